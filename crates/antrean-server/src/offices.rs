//! One task per office owns that office's state: commands are decided and
//! applied in arrival order (so two counters never get the same ticket and
//! numbering needs no locks), then handed to the writer. Replies and the live
//! broadcast happen only once the writer says the events are on disk.
//! Offices never wait on each other.
//!
//! An office runs once rebuilt from the database, and after a failed write
//! rebuilds itself at once (a readiness probe sees it meanwhile: see
//! [`OfficeHandle::running`]).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use antrean_core::{
    Actor, Change, Command, DomainError, Event, EventKind, Executed, Office, OfficeDef, Worker,
};
use antrean_store::{Store, StoreError};
use chrono::Utc;
use tokio::sync::{mpsc, oneshot, watch, Notify};

use crate::hub::{Frame, Hub};
use crate::metrics::{Failure, Metrics, OfficeMetrics};
use crate::views::{self, RecentCall, ServerMsg, TicketView};

/// Calls shown on the display's recent list.
const RECENT_CALLS: usize = 10;
/// Commands queued per office before callers wait.
const QUEUE: usize = 4096;

/// How far the office's events are on disk.
#[derive(Debug, Clone, Copy, Default)]
struct Durable {
    seq: u64,
    /// Failed writes so far: waiting for a seq that failed ends with this.
    failures: u64,
}

/// A read of the office's state; also given the failed writes so far, so
/// that its answer knows which durable state it waits for.
type ReadFn = Box<dyn FnOnce(&State, u64) + Send>;

/// Why an office did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// The rules do not allow it; nothing changed.
    #[error(transparent)]
    Rule(#[from] DomainError),
    /// Its events could not be written; the office rebuilds itself from
    /// the database and refuses commands meanwhile.
    #[error(transparent)]
    Storage(#[from] StoreError),
    /// The office is rebuilding itself, or its task is gone.
    #[error("the office is unavailable")]
    Unavailable,
}

/// What an office task is asked to do.
enum Msg {
    Command {
        cmd: Command,
        actor: Option<Actor>,
        /// The staff actor supervises: may act on counters others hold.
        supervises: bool,
        reply: oneshot::Sender<Reply<Outcome>>,
    },
    Read(ReadFn),
}

/// An answer and the seq that must be durable before it may be shown.
struct Reply<T> {
    value: Result<T, OfficeError>,
    seq: u64,
    failures: u64,
}

/// The result of a command that the rules allowed.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The ticket the command was about, after it, as the core returned it
    /// (none when call-next found nobody, and for documents and surveys).
    pub ticket: Option<TicketView>,
}

/// The office task's state.
#[derive(Debug)]
pub struct State {
    pub office: Office,
    pub recent_calls: VecDeque<RecentCall>,
}

impl State {
    /// The office's configuration, as its events made it.
    pub fn cfg(&self) -> &Arc<OfficeDef> {
        self.office.def()
    }
}

/// Handle to a running office. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct OfficeHandle {
    pub hub: Hub,
    /// The configuration as far as it is on disk.
    cfg: watch::Receiver<Arc<OfficeDef>>,
    tx: mpsc::Sender<Msg>,
    durable: watch::Receiver<Durable>,
    /// The task's: true until the office is rebuilt from the database, and
    /// again after a failed write until it is rebuilt.
    failed: Arc<AtomicBool>,
}

/// All offices of the installation, by id.
#[derive(Debug, Clone, Default)]
pub struct Offices(Arc<HashMap<String, OfficeHandle>>);

impl Offices {
    /// Starts each office's task; each rebuilds itself from the store, and
    /// beats its live clients' pings every `ping_every`, and counts into
    /// `metrics`. An office runs on the configuration in the database; its
    /// file only seeds it on the first start. Offices configured before
    /// keep running without a file.
    pub fn start(
        files: &[Arc<OfficeDef>],
        store: &Store,
        ping_every: Duration,
        metrics: &Arc<Metrics>,
    ) -> anyhow::Result<Offices> {
        let mut defs: HashMap<String, Arc<OfficeDef>> = HashMap::new();
        for def in store.reader.office_configs()? {
            defs.insert(def.id.clone(), Arc::new(def));
        }
        for file in files {
            match defs.get(&file.id) {
                Some(stored) if **stored != **file => tracing::warn!(
                    office = %file.id,
                    "the office's file differs from its configuration in the database, which is what runs; `antrean config import` applies the file"
                ),
                Some(_) => {}
                None => {
                    defs.insert(file.id.clone(), Arc::clone(file));
                }
            }
        }
        let map = defs
            .into_iter()
            .map(|(id, def)| {
                let metrics = metrics.office(&id);
                (id, start_office(def, store.clone(), ping_every, metrics))
            })
            .collect();
        Ok(Offices(Arc::new(map)))
    }

    /// The running offices, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &OfficeHandle> {
        self.0.values()
    }

    pub fn get(&self, id: &str) -> Option<&OfficeHandle> {
        self.0.get(id)
    }
}

impl OfficeHandle {
    /// The office's configuration, as far as it is on disk.
    pub fn cfg(&self) -> Arc<OfficeDef> {
        Arc::clone(&self.cfg.borrow())
    }

    /// Whether the office runs: rebuilt from the database and not since
    /// stopped by a failed write. Read from memory, so cheap to ask often.
    pub fn running(&self) -> bool {
        !self.failed.load(Ordering::Acquire)
    }

    /// Runs a command; answers once its events are on disk.
    pub async fn execute(
        &self,
        cmd: Command,
        actor: Option<Actor>,
    ) -> Result<Outcome, OfficeError> {
        self.send(cmd, actor, false).await
    }

    /// Runs a counter's command for staff: a clerk works only counters
    /// nobody else holds; a supervisor (`supervises`) may pause or close
    /// any.
    pub async fn work(
        &self,
        cmd: Command,
        actor: Actor,
        supervises: bool,
    ) -> Result<Outcome, OfficeError> {
        self.send(cmd, Some(actor), supervises).await
    }

    async fn send(
        &self,
        cmd: Command,
        actor: Option<Actor>,
        supervises: bool,
    ) -> Result<Outcome, OfficeError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Command {
                cmd,
                actor,
                supervises,
                reply,
            })
            .await
            .map_err(|_| OfficeError::Unavailable)?;
        let r = rx.await.map_err(|_| OfficeError::Unavailable)?;
        self.settle(r).await
    }

    /// Reads the office's state. The answer waits until everything it may
    /// reflect is on disk, so nobody sees what could still be lost; when
    /// that was lost instead (the write failed), the office is rebuilt from
    /// the disk and read again, once.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&State) -> T + Clone + Send + 'static,
    ) -> Result<T, OfficeError> {
        match self.read_once(f.clone()).await {
            Err(OfficeError::Unavailable) => self.read_once(f).await,
            done => done,
        }
    }

    async fn read_once<T: Send + 'static>(
        &self,
        f: impl FnOnce(&State) -> T + Send + 'static,
    ) -> Result<T, OfficeError> {
        let (tx, rx) = oneshot::channel();
        let msg = Msg::Read(Box::new(move |state: &State, failures: u64| {
            let _ = tx.send(Reply {
                value: Ok(f(state)),
                seq: state.office.seq(),
                failures,
            });
        }));
        self.tx
            .send(msg)
            .await
            .map_err(|_| OfficeError::Unavailable)?;
        let r = rx.await.map_err(|_| OfficeError::Unavailable)?;
        self.settle(r).await
    }

    async fn settle<T>(&self, r: Reply<T>) -> Result<T, OfficeError> {
        let mut durable = self.durable.clone();
        let d = durable
            .wait_for(|d| d.seq >= r.seq || d.failures > r.failures)
            .await
            .map_err(|_| OfficeError::Unavailable)?;
        if d.seq < r.seq {
            return Err(OfficeError::Unavailable);
        }
        drop(d);
        r.value
    }

    /// The configuration as it runs, with the running text staff last set:
    /// what `antrean config export` writes and an import takes.
    pub async fn config(&self) -> Result<OfficeDef, OfficeError> {
        self.read(|s| {
            let mut def = (**s.cfg()).clone();
            views::running_text(s.cfg(), &s.office).clone_into(&mut def.running_text);
            def
        })
        .await
    }

    /// Makes the office's configuration `to`: its differences from the
    /// current one as changes, all or none, with the checks of each change
    /// on its own; then the running text, if it differs. Returns each
    /// change as the log names it (`service_saved ktp-el`), none when it
    /// was already `to`.
    pub async fn import(&self, to: OfficeDef, actor: Actor) -> Result<Vec<String>, OfficeError> {
        let from = self.config().await?;
        if to.id != from.id {
            return Err(DomainError::InvalidField {
                field: "id".into(),
                problem: format!("this is office `{}`", from.id),
            }
            .into());
        }
        // The file as a whole first, so that a refusal names its entry
        // (`services[1].name`); then its differences, with the conflicts.
        to.check()?;
        let changes = Change::between(&from, &to);
        let mut done: Vec<String> = changes.iter().map(describe).collect();
        if !changes.is_empty() {
            self.execute(Command::Configure { changes }, Some(actor.clone()))
                .await?;
        }
        if to.running_text != from.running_text {
            let text = to.running_text;
            self.execute(Command::SetRunningText { text }, Some(actor))
                .await?;
            done.push("running_text".into());
        }
        Ok(done)
    }

    /// The public snapshot message and its seq.
    pub async fn snapshot(&self) -> Result<(u64, ServerMsg), OfficeError> {
        self.read(|s| (s.office.seq(), snapshot(s))).await
    }
}

/// A change as the log names it: `service_saved ktp-el`.
pub fn describe(c: &Change) -> String {
    match c.subject() {
        Some(s) => format!("{} {s}", c.name()),
        None => c.name().to_owned(),
    }
}

fn snapshot(s: &State) -> ServerMsg {
    let cfg = s.cfg();
    let now = Utc::now();
    let (open, closed) = views::Closed::new(cfg, cfg.availability(now));
    ServerMsg::Snapshot {
        seq: s.office.seq(),
        office: cfg.id.clone(),
        name: cfg.name.clone(),
        open,
        closed,
        day: s.office.day().to_string(),
        languages: cfg.languages.clone(),
        running_text: views::running_text(cfg, &s.office).to_owned(),
        counters: views::counters(cfg, &s.office),
        services: views::offered(cfg)
            .map(|svc| views::waiting(&s.office, &svc.id))
            .collect(),
        recent_calls: s.recent_calls.iter().cloned().collect(),
        now: views::local_time(cfg, now),
    }
}

/// Rebuilds an office from the database; `seed` is its configuration when
/// the database has none yet. Also says whether the seed must be written.
async fn restore(seed: &Arc<OfficeDef>, store: &Store) -> anyhow::Result<(State, bool)> {
    let reader = store.reader.clone();
    let seed = Arc::clone(seed);
    // Reading and indexing a long queue takes a while: off the async
    // workers, so that other offices and requests go on meanwhile.
    let (office, recent, seeded) = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let mut saved = reader.restore(&seed.id)?;
        let stored = saved.config.take();
        let seeded = stored.is_some();
        let def = stored.map_or(seed, Arc::new);
        let recent = reader.events_since(&def.id, saved.seq.saturating_sub(200), 200)?;
        Ok((Office::restore(def, Utc::now(), saved), recent, seeded))
    })
    .await??;
    let mut state = State {
        office,
        recent_calls: VecDeque::new(),
    };
    let today = state.office.day();
    let cfg = Arc::clone(state.cfg());
    for e in recent.iter().filter(|e| cfg.business_day(e.at) == today) {
        remember_call(&mut state, e);
    }
    Ok((state, !seeded))
}

/// Starts an office's task. Its state is rebuilt from the database by the
/// task itself, so the server answers at once and every office restores in
/// parallel; requests to an office queue until it is ready.
fn start_office(
    def: Arc<OfficeDef>,
    store: Store,
    ping_every: Duration,
    metrics: OfficeMetrics,
) -> OfficeHandle {
    let hub = Hub::new(0);
    // Not yet read from the database: the task's first act.
    let failed = Arc::new(AtomicBool::new(true));
    let (durable_tx, durable) = watch::channel(Durable::default());
    let (cfg_tx, cfg) = watch::channel(Arc::clone(&def));
    let (tx, rx) = mpsc::channel(QUEUE);
    let blank = Office::new(Arc::clone(&def), def.business_day(Utc::now()));
    let task = Task {
        state: State {
            office: blank,
            recent_calls: VecDeque::new(),
        },
        seed: def,
        store,
        hub: hub.clone(),
        durable: Arc::new(durable_tx),
        cfg: Arc::new(cfg_tx),
        failed: Arc::clone(&failed),
        rebuild: Arc::new(Notify::new()),
        metrics,
        rebuild_error: None,
    };
    tokio::spawn(task.run(rx, ping_every));
    OfficeHandle {
        hub,
        cfg,
        tx,
        durable,
        failed,
    }
}

struct Task {
    state: State,
    /// The configuration its file gave: written as the office's first
    /// configuration when the database has none.
    seed: Arc<OfficeDef>,
    store: Store,
    hub: Hub,
    durable: Arc<watch::Sender<Durable>>,
    /// The configuration handlers read, once on disk.
    cfg: Arc<watch::Sender<Arc<OfficeDef>>>,
    /// Set by the writer when this office's events could not be written.
    failed: Arc<AtomicBool>,
    /// Why the last rebuild failed, once said in the log.
    rebuild_error: Option<String>,
    /// Told by the writer along with `failed`: rebuild now, not at the next
    /// command or tick.
    rebuild: Arc<Notify>,
    metrics: OfficeMetrics,
}

impl Task {
    async fn run(mut self, mut rx: mpsc::Receiver<Msg>, ping_every: Duration) {
        // Ends the business day at local midnight even when nobody acts.
        let mut tick = tokio::time::interval(Duration::from_secs(20));
        // One timer for all of the office's live connections.
        let mut ping =
            tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let rebuild = Arc::clone(&self.rebuild);
        loop {
            tokio::select! {
                msg = rx.recv() => {
                    let Some(msg) = msg else { break };
                    // While the database refuses writes, changes are
                    // refused at once: the memory stays what the disk
                    // holds, and reads go on being answered.
                    let unwritable = matches!(msg, Msg::Command { .. }) && self.store.writer.health() != antrean_store::Health::Writing;
                    if !unwritable && self.recover().await {
                        self.roll_over();
                        self.handle(msg);
                    } else {
                        refuse(msg);
                    }
                }
                _ = tick.tick() => self.tend().await,
                _ = rebuild.notified() => self.tend().await,
                _ = ping.tick() => self.hub.ping(),
            }
        }
    }

    /// Rebuilds the office if it failed, and ends its business day when due.
    async fn tend(&mut self) {
        if self.recover().await {
            self.roll_over();
        }
    }

    /// Rebuilds the office from the database after a failed write. False
    /// while that is impossible.
    async fn recover(&mut self) -> bool {
        if !self.failed.load(Ordering::Acquire) {
            return true;
        }
        match restore(&self.seed, &self.store).await {
            Ok((state, unseeded)) => {
                self.rebuild_error = None;
                tracing::info!(office = %state.cfg().id, seq = state.office.seq(), "office state read from the database");
                self.state = state;
                self.store.writer.reset(&self.state.cfg().id);
                self.hub.reset(self.state.office.seq());
                self.failed.store(false, Ordering::Release);
                let seq = self.state.office.seq();
                self.durable.send_modify(|d| d.seq = seq);
                self.cfg.send_replace(Arc::clone(self.state.cfg()));
                self.metrics.show(self.state.cfg());
                if unseeded {
                    self.write_seed();
                }
                true
            }
            Err(e) => {
                // Said once per cause, not at every request that finds it.
                let cause = e.to_string();
                if self.rebuild_error.as_ref() != Some(&cause) {
                    tracing::error!(office = %self.seed.id, error = %cause, "cannot rebuild the office from the database; its requests are refused until it can");
                    self.rebuild_error = Some(cause);
                }
                self.metrics.failed(Failure::Restore);
                false
            }
        }
    }

    /// Writes the configuration of the office's file as its first: from
    /// then on the database is the truth.
    fn write_seed(&mut self) {
        let cmd = Command::Configure {
            changes: vec![Change::Seeded {
                office: Box::new((*self.seed).clone()),
            }],
        };
        match self.state.office.execute(&cmd, Utc::now()) {
            Ok(Executed { events, .. }) => {
                tracing::info!(office = %self.seed.id, "configuration seeded from the office's file");
                self.submit(events, None, Box::new(|_| {}));
            }
            Err(e) => {
                tracing::error!(office = %self.seed.id, error = %e, "the office's file cannot seed it");
            }
        }
    }

    fn roll_over(&mut self) {
        if let Some(event) = self.state.office.roll_over(Utc::now()) {
            self.state.recent_calls.clear();
            self.submit(vec![event], None, Box::new(|_| {}));
        }
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Read(f) => f(&self.state, self.failures()),
            Msg::Command {
                cmd,
                actor,
                supervises,
                reply,
            } => {
                let failures = self.failures();
                // Staff hold the counters they work; devices and citizens
                // work none.
                let by = match &actor {
                    Some(Actor::User(name)) => Some(Worker { name, supervises }),
                    _ => None,
                };
                match self.state.office.execute_by(&cmd, by, Utc::now()) {
                    Ok(Executed { events, ticket }) => {
                        let office = &self.state.office;
                        let ticket = ticket.map(|t| {
                            let live = office.ticket(&t.code).is_some();
                            TicketView::new(office.def(), live.then_some(office), &t)
                        });
                        let seq = office.seq();
                        let answer = move |value: Result<(), OfficeError>| Reply {
                            value: value.map(|()| Outcome { ticket }),
                            seq,
                            failures,
                        };
                        if events.is_empty() {
                            let _ = reply.send(answer(Ok(())));
                        } else {
                            self.submit(
                                events,
                                actor,
                                Box::new(move |r| {
                                    let _ = reply.send(answer(r));
                                }),
                            );
                        }
                    }
                    Err(e) => {
                        let _ = reply.send(Reply {
                            value: Err(e.into()),
                            seq: self.state.office.seq(),
                            failures,
                        });
                    }
                }
            }
        }
    }

    fn failures(&self) -> u64 {
        self.durable.borrow().failures
    }

    /// Hands applied events to the writer; once durable they are broadcast and
    /// `done` runs.
    fn submit(
        &mut self,
        events: Vec<Event>,
        actor: Option<Actor>,
        done: Box<dyn FnOnce(Result<(), OfficeError>) + Send>,
    ) {
        let cfg = Arc::clone(self.state.cfg());
        let frames: Vec<Arc<Frame>> = events
            .iter()
            .map(|e| {
                Arc::new(Frame {
                    seq: e.seq,
                    text: ServerMsg::event(&cfg, e, Some(&self.state.office))
                        .to_json()
                        .into(),
                    code: e.kind.ticket_code().map(str::to_owned),
                    services: views::moves_queues(&cfg, &e.kind),
                })
            })
            .collect();
        for e in &events {
            remember_call(&mut self.state, e);
        }
        let tally = self.metrics.tally(&events, &self.state.office);
        let seq = self.state.office.seq();
        // Handlers see a new configuration once it is on disk.
        let reconfigured = events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Configured { .. }))
            .then(|| (Arc::clone(&self.cfg), Arc::clone(&cfg)));
        let (hub, durable, failed, rebuild) = (
            self.hub.clone(),
            Arc::clone(&self.durable),
            Arc::clone(&self.failed),
            Arc::clone(&self.rebuild),
        );
        self.store.writer.append(
            &cfg.id,
            actor,
            events,
            Box::new(move |r| match r {
                Ok(()) => {
                    if let Some((tx, cfg)) = reconfigured {
                        tx.send_replace(cfg);
                    }
                    tally.count();
                    hub.publish(frames);
                    durable.send_modify(|d| d.seq = seq);
                    done(Ok(()));
                }
                Err(e) => {
                    failed.store(true, Ordering::Release);
                    rebuild.notify_one();
                    durable.send_modify(|d| d.failures += 1);
                    done(Err(e.into()));
                }
            }),
        );
    }
}

fn refuse(msg: Msg) {
    if let Msg::Command { reply, .. } = msg {
        let _ = reply.send(Reply {
            value: Err(OfficeError::Unavailable),
            seq: 0,
            failures: 0,
        });
    }
}

fn remember_call(state: &mut State, e: &Event) {
    if let EventKind::TicketCalled {
        number,
        service,
        counter,
        recall: false,
        ..
    } = &e.kind
    {
        let cfg = state.cfg();
        let call = RecentCall {
            seq: e.seq,
            at: views::local_time(cfg, e.at),
            number: number.clone(),
            service: service.clone(),
            counter: counter.clone(),
            counter_name: views::counter_name(cfg, counter),
            announcement: views::announcements(cfg, number, counter),
            announcement_short: views::short_announcements(cfg, number, counter),
        };
        state.recent_calls.push_front(call);
        state.recent_calls.truncate(RECENT_CALLS);
    }
}
