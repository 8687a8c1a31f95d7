//! The live WebSocket streams: one task per connection that `select!`s over
//! the office's broadcast (events and the ping beat), the socket and
//! shutdown.
//!
//! Office stream: a snapshot, then every event in seq order. With `?since=N`
//! it resumes: the missed events from the hub's ring or the log, or a fresh
//! snapshot when they are too old. A client that falls behind gets a fresh
//! snapshot; one that stops reading or answering pings is dropped, so no
//! client slows another.
//!
//! Ticket stream: the ticket's view whenever it or its queue changes.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::future::{BoxFuture, FutureExt};
use futures_util::SinkExt;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use antrean_core::Event;

use crate::access::Ending;
use crate::db::DbError;
use crate::error::ApiError;
use crate::hub::{Backlog, Frame, Note};
use crate::lookup::{self, Found};
use crate::metrics::LiveKind;
use crate::offices::{OfficeError, OfficeHandle};
use crate::state::AppState;
use crate::views::ServerMsg;

/// Pings a client may leave unanswered (it sends no frame at all) before it
/// is taken as gone.
const SILENT_PINGS: u32 = 3;
/// A client that cannot take a frame within this time is dropped.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Missed events replayed from the log at most; beyond, a snapshot.
const REPLAY_LIMIT: usize = 2000;
/// Events of one day read to play it again for a replay at most (a busy
/// office has a few thousand); beyond, a snapshot.
const DAY_LIMIT: usize = 50_000;
/// Frames sent in one write at most.
const MAX_BATCH: usize = 64;
/// Bytes gathered before a write: a few events; memory stays small per
/// connection.
const WRITE_BUFFER: usize = 8 * 1024;

fn upgrade(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    // Clients only send pongs and closes: small buffers keep memory per
    // connection in kilobytes.
    ws.read_buffer_size(1024)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(4096)
        .max_frame_size(4096)
}

/// The close code of a connection whose holder lost access (signed out,
/// disabled, revoked): the screen says so instead of reconnecting.
pub const ACCESS_ENDED: u16 = 4001;

/// Serves an office's public stream on the upgraded connection, resuming
/// after `since` when given. A connection opened by signed-in staff or a
/// registered device closes with [`ACCESS_ENDED`] when `access_ended`
/// (from [`crate::access::Revocations::ended`], subscribed before their
/// access was checked) says it was revoked.
pub fn office(
    ws: WebSocketUpgrade,
    state: AppState,
    peer: SocketAddr,
    office: OfficeHandle,
    since: Option<u64>,
    access_ended: BoxFuture<'static, Ending>,
) -> Result<Response, ApiError> {
    accept(
        ws,
        state,
        peer,
        LiveKind::Office,
        access_ended,
        move |conn, state| async move { office_stream(conn, &state, &office, since).await }.boxed(),
    )
}

/// Serves one ticket's stream, starting from the view already looked up.
pub fn ticket(
    ws: WebSocketUpgrade,
    state: AppState,
    peer: SocketAddr,
    found: Found,
) -> Result<Response, ApiError> {
    let anonymous = std::future::pending().boxed();
    accept(
        ws,
        state,
        peer,
        LiveKind::Ticket,
        anonymous,
        move |conn, state| {
            async move { ticket_stream(conn, &state, &found.office, found.view).await }.boxed()
        },
    )
}

/// Upgrades to a WebSocket within the per-address limit and runs `stream`
/// on it until it ends, then closes it properly; counted as a live
/// connection of `kind` meanwhile.
fn accept<F>(
    ws: WebSocketUpgrade,
    state: AppState,
    peer: SocketAddr,
    kind: LiveKind,
    access_ended: BoxFuture<'static, Ending>,
    stream: F,
) -> Result<Response, ApiError>
where
    F: for<'c> FnOnce(&'c mut Conn, AppState) -> BoxFuture<'c, Result<(), End>> + Send + 'static,
{
    let guard = state.limits.live.acquire(peer.ip())?;
    Ok(upgrade(ws).on_upgrade(move |socket| async move {
        let _guard = guard;
        let _counted = state.metrics.live(kind);
        let silent_limit = state.config.server.security.live_ping() * SILENT_PINGS;
        let mut shutdown = state.shutdown.clone();
        let stop = async move {
            tokio::select! {
                _ = shutdown.wait_for(|stop| *stop) => End::Shutdown,
                why = access_ended => match why {
                    Ending::Revoked => End::AccessEnded,
                    Ending::Recheck => End::Shutdown,
                },
            }
        }
        .boxed();
        let mut conn = Conn::new(socket, stop, silent_limit);
        let end = match stream(&mut conn, state).await {
            Err(e) => {
                tracing::debug!(error = %e, "live connection ended");
                e
            }
            Ok(()) => End::Closed,
        };
        conn.close(&end).await;
    }))
}

/// Why a connection ended.
#[derive(Debug, thiserror::Error)]
enum End {
    #[error("client closed")]
    Closed,
    #[error("client too slow or silent")]
    Slow,
    #[error("server shutting down")]
    Shutdown,
    #[error("signed out or revoked")]
    AccessEnded,
    #[error("{0}")]
    Office(#[from] OfficeError),
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("{0}")]
    Api(#[from] ApiError),
}

/// What woke the connection's loop.
enum Wake {
    Frame(Arc<Frame>),
    Lagged,
    Ping,
}

struct Conn {
    socket: WebSocket,
    /// Resolves once when the server shuts down or the holder's access
    /// ends, with why; polled only when nothing else is ready, and kept
    /// across waits (no registration per event).
    stop: BoxFuture<'static, End>,
    /// No frame at all from the client for this long: it is gone.
    silent_limit: Duration,
    last_heard: tokio::time::Instant,
}

impl Conn {
    fn new(socket: WebSocket, stop: BoxFuture<'static, End>, silent_limit: Duration) -> Conn {
        Conn {
            socket,
            stop,
            silent_limit,
            last_heard: tokio::time::Instant::now(),
        }
    }

    async fn send(&mut self, text: Utf8Bytes) -> Result<(), End> {
        self.send_all(std::iter::once(text)).await
    }

    /// Sends frames with one flush (one write to the socket when they fit
    /// the buffer). A deadline starts only when the socket cannot take them
    /// at once: most sends finish on the first try and need no timer.
    async fn send_all(&mut self, texts: impl IntoIterator<Item = Utf8Bytes>) -> Result<(), End> {
        let socket = &mut self.socket;
        let write = async move {
            for t in texts {
                socket.feed(Message::Text(t)).await?;
            }
            socket.flush().await
        };
        let mut write = std::pin::pin!(write);
        let first = std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await;
        let done = match first {
            Poll::Ready(r) => Ok(r),
            Poll::Pending => tokio::time::timeout(SEND_TIMEOUT, write).await,
        };
        match done {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Closed),
            Err(_) => Err(End::Slow),
        }
    }

    async fn send_msg(&mut self, msg: &ServerMsg) -> Result<(), End> {
        self.send(msg.to_json().into()).await
    }

    /// Waits for the next frame, the office's ping beat, a client message or
    /// shutdown. Frames come first: a wake-up for a frame polls nothing else,
    /// and there is no timer per connection to poll.
    async fn next(&mut self, rx: &mut tokio::sync::broadcast::Receiver<Note>) -> Result<Wake, End> {
        loop {
            tokio::select! {
                biased;
                note = rx.recv() => return match note {
                    Ok(Note::Frame(f)) => Ok(Wake::Frame(f)),
                    Ok(Note::Ping) => Ok(Wake::Ping),
                    Err(RecvError::Lagged(_)) => Ok(Wake::Lagged),
                    Err(RecvError::Closed) => Err(End::Shutdown),
                },
                msg = self.socket.recv() => match msg {
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return Err(End::Closed),
                    Some(Ok(_)) => self.last_heard = tokio::time::Instant::now(),
                },
                end = &mut self.stop => return Err(end),
            }
        }
    }

    /// Pings the client, or gives up on it when it has been silent too long.
    async fn ping(&mut self) -> Result<(), End> {
        if self.last_heard.elapsed() > self.silent_limit {
            return Err(End::Slow);
        }
        match tokio::time::timeout(
            SEND_TIMEOUT,
            self.socket.send(Message::Ping(Default::default())),
        )
        .await
        {
            Ok(Ok(())) => Ok(()),
            _ => Err(End::Slow),
        }
    }

    async fn close(mut self, end: &End) {
        let frame = match end {
            End::AccessEnded => CloseFrame {
                code: ACCESS_ENDED,
                reason: "access ended".into(),
            },
            _ => CloseFrame {
                code: axum::extract::ws::close_code::AWAY,
                reason: "bye".into(),
            },
        };
        let _ = tokio::time::timeout(
            Duration::from_secs(1),
            self.socket.send(Message::Close(Some(frame))),
        )
        .await;
    }
}

/// Sends a fresh snapshot; returns its seq.
async fn send_snapshot(conn: &mut Conn, handle: &OfficeHandle) -> Result<u64, End> {
    let (seq, msg) = handle.snapshot().await?;
    conn.send_msg(&msg).await?;
    Ok(seq)
}

async fn office_stream(
    conn: &mut Conn,
    state: &AppState,
    handle: &OfficeHandle,
    since: Option<u64>,
) -> Result<(), End> {
    // Subscribe first, so nothing published from now on can be missed.
    let (mut rx, backlog) = handle.hub.subscribe(since);
    let mut last = match (since, backlog) {
        (Some(s), Backlog::Frames(frames)) => {
            let mut last = s;
            for f in frames {
                conn.send(f.text.clone()).await?;
                last = f.seq;
            }
            last
        }
        (Some(s), Backlog::TooOld) => {
            replay_from_log(conn, state, handle, s).await?;
            send_snapshot(conn, handle).await?
        }
        (None, _) => send_snapshot(conn, handle).await?,
    };
    // Reused for every write: no allocation per event. It grows to the
    // largest burst seen, not to `MAX_BATCH`: idle connections stay small.
    let mut batch = Vec::new();
    loop {
        match conn.next(&mut rx).await? {
            Wake::Frame(f) => {
                // Whatever else is already waiting goes out in the same write.
                let (mut lagged, mut ping) = (false, false);
                let mut next = Some(f);
                while let Some(f) = next.take() {
                    if f.seq > last {
                        last = f.seq;
                        batch.push(f.text.clone());
                    }
                    if batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(Note::Frame(f)) => next = Some(f),
                            Ok(Note::Ping) => ping = true,
                            Err(TryRecvError::Lagged(_)) => lagged = true,
                            Err(_) => {}
                        }
                    }
                }
                conn.send_all(batch.drain(..)).await?;
                if lagged {
                    last = send_snapshot(conn, handle).await?;
                }
                if ping {
                    conn.ping().await?;
                }
            }
            Wake::Lagged => last = send_snapshot(conn, handle).await?,
            Wake::Ping => conn.ping().await?,
        }
    }
}

/// Sends the events after `since` that the log still has for today, so that a
/// display back from a restart announces the calls it missed. Each carries
/// the waiting figures a live one does: the day is played again from its
/// start through the office's own rules, up to each event. The snapshot
/// that follows gives the current truth either way.
async fn replay_from_log(
    conn: &mut Conn,
    state: &AppState,
    handle: &OfficeHandle,
    since: u64,
) -> Result<(), End> {
    let cfg = handle.cfg();
    let today = cfg.business_day(chrono::Utc::now());
    let id = cfg.id.clone();
    let day = state
        .db
        .read(move |r| -> antrean_store::Result<Option<Vec<Event>>> {
            let missed = r.events_since(&id, since, REPLAY_LIMIT + 1)?;
            if missed.len() > REPLAY_LIMIT {
                return Ok(None);
            }
            let Some(first) = missed.iter().position(|e| cfg.business_day(e.at) == today) else {
                return Ok(Some(Vec::new()));
            };
            // The day's earlier events, newest first, back to its start.
            let earlier = r.events_before(&id, missed[first].seq, DAY_LIMIT + 1)?;
            let earlier: Vec<Event> = earlier
                .into_iter()
                .take_while(|e| cfg.business_day(e.at) == today)
                .collect();
            if earlier.len() > DAY_LIMIT {
                return Ok(None);
            }
            Ok(Some(
                earlier
                    .into_iter()
                    .rev()
                    .chain(missed.into_iter().skip(first))
                    .collect(),
            ))
        })
        .await?;
    let Some(day) = day.filter(|day| !day.is_empty()) else {
        return Ok(());
    };
    // Shared, not moved in: `read` clones its closure (it may ask twice).
    let day = Arc::new(day);
    let mut office = {
        let day = Arc::clone(&day);
        handle.read(move |s| s.office.day_start(&day)).await?
    };
    for e in day.iter() {
        office.apply(e);
        if e.seq > since {
            conn.send_msg(&ServerMsg::event(office.def(), e, Some(&office)))
                .await?;
        }
    }
    Ok(())
}

async fn ticket_stream(
    conn: &mut Conn,
    state: &AppState,
    handle: &OfficeHandle,
    first: crate::views::TicketView,
) -> Result<(), End> {
    let code = first.code.clone();
    let (mut rx, _) = handle.hub.subscribe(None);
    let mut service = first.service.clone();
    let mut seq = handle.read(|s| s.office.seq()).await?;
    let mut shown = first;
    conn.send_msg(&ServerMsg::Ticket {
        seq,
        ticket: shown.clone(),
    })
    .await?;
    loop {
        let relevant = match conn.next(&mut rx).await? {
            Wake::Frame(f) => {
                seq = seq.max(f.seq);
                // A finished ticket changes only by its own events (its
                // document): its service's queue is nothing to it, and a
                // look-up per event of the service would cost a read.
                f.code.as_deref() == Some(code.as_str())
                    || (!shown.status.is_final() && f.services.contains(&service))
            }
            Wake::Lagged => true,
            Wake::Ping => {
                conn.ping().await?;
                false
            }
        };
        if relevant {
            let view = lookup::view_in(state, handle, &code, None).await?;
            if view != shown {
                service = view.service.clone();
                shown = view;
                conn.send_msg(&ServerMsg::Ticket {
                    seq,
                    ticket: shown.clone(),
                })
                .await?;
            }
        }
    }
}
