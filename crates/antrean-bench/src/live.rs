//! Call-to-display latency: N live clients on one office's stream while a
//! clerk calls, starts and finishes tickets, one after another.
//!
//! The clerk notes the instant just before sending `call-next` and the number
//! it got; each client notes the instant its `ticket_called` event arrived.
//! The difference is the call-to-display latency of that client. The clerk
//! waits until every client has had every event before the next call, so each
//! call is measured on its own (a real clerk calls every few minutes).
//!
//! Each client also checks its stream: the snapshot's seq, then every seq one
//! more than the last (a gap or a repeat is counted, never ignored).

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;

use crate::fanout::FanoutResult;
use crate::http::Conn;
use crate::server::{CpuMeter, Server, LIVE_OFFICE, LIVE_SERVICE};
use crate::stats;

/// Live connections being opened at once.
const CONNECTING: usize = 64;
/// Longest wait for every client to get an event before going on.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// One live run.
#[derive(Debug, Clone, Serialize)]
pub struct LiveResult {
    pub clients: usize,
    pub calls: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Per call, the time until the last client had it: the median over calls.
    pub last_client_p50_ms: f64,
    /// ... and the worst call (equals `max_ms`).
    pub last_client_max_ms: f64,
    /// `ticket_called` events received for the clerk's calls.
    pub delivered: u64,
    /// clients × calls.
    pub expected: u64,
    /// Events whose seq skipped one or more (summed over clients).
    pub gaps: u64,
    /// Events whose seq was not above the last one.
    pub out_of_order: u64,
    /// Snapshots sent mid-stream (the server found the client lagging).
    pub resnapshots: u64,
    /// Clients that failed to connect or whose stream broke.
    pub failed_clients: u64,
    /// Wall time of the call loop, and the CPU the server and this bench
    /// used in it: who the two shared cores went to.
    pub calls_s: f64,
    pub server_cpu_s: f64,
    pub client_cpu_s: f64,
    /// Server CPU per event delivered to one client (all 3 events per call).
    pub server_cpu_us_per_delivery: f64,
    /// This bench's CPU per event received by one client.
    pub client_cpu_us_per_delivery: f64,
    /// Time to open all the connections.
    pub connect_s: f64,
    /// Size of a `ticket_called` frame's text.
    pub called_frame_bytes: usize,
    /// The same fan-out as plain TCP between two processes: the floor.
    pub floor: Option<FanoutResult>,
}

/// The parts of a `ServerMsg` the client looks at.
#[derive(Debug, Deserialize)]
struct Msg<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    seq: u64,
    #[serde(borrow)]
    event: Option<Ev<'a>>,
}

#[derive(Debug, Deserialize)]
struct Ev<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow)]
    number: Option<Cow<'a, str>>,
}

/// What one client saw.
#[derive(Debug, Default)]
struct ClientLog {
    called: Vec<(String, Instant)>,
    gaps: u64,
    out_of_order: u64,
    resnapshots: u64,
}

/// Counters shared by the clients and the clerk.
#[derive(Debug, Default)]
struct Shared {
    connected: AtomicUsize,
    failed: AtomicUsize,
    /// Events received, all clients together.
    events: AtomicU64,
    /// `ticket_called` events received, all clients together.
    called: AtomicU64,
    /// Size of a `ticket_called` frame's text.
    called_bytes: AtomicUsize,
}

/// Loopback source addresses the live clients take in turn.
const SOURCES: usize = 8;
static NEXT_SOURCE: AtomicUsize = AtomicUsize::new(0);

async fn connect(
    addr: SocketAddr,
) -> anyhow::Result<(tokio_tungstenite::WebSocketStream<TcpStream>, u64)> {
    // Spread over loopback source addresses, as the displays of several
    // offices behind their own routers would be: the server allows one
    // address at most half of its connections (8,750 of 17,500 at a file
    // limit of 20,000), fewer than the 10,000 clients of one run.
    let n = NEXT_SOURCE.fetch_add(1, Ordering::Relaxed);
    let local = std::net::Ipv4Addr::new(127, 0, 0, 2 + (n % SOURCES) as u8);
    let tcp = crate::http::tcp_from(local.into(), addr).await?;
    tcp.set_nodelay(true)?;
    // Small buffers: 10,000 clients at the default 128 KiB would take GBs.
    let config = WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(0);
    let url = format!("ws://{addr}/api/v1/offices/{LIVE_OFFICE}/live");
    let (mut ws, _) = tokio_tungstenite::client_async_with_config(url, tcp, Some(config)).await?;
    loop {
        match ws.next().await.context("closed before the snapshot")?? {
            Message::Text(t) => {
                let m: Msg = serde_json::from_str(t.as_str())?;
                if m.kind != "snapshot" {
                    bail!("first message is {:?}, not a snapshot", m.kind);
                }
                return Ok((ws, m.seq));
            }
            Message::Close(_) => bail!("closed before the snapshot"),
            _ => {}
        }
    }
}

async fn client(
    addr: SocketAddr,
    shared: Arc<Shared>,
    gate: Arc<tokio::sync::Semaphore>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<ClientLog> {
    let permit = gate.acquire_owned().await?;
    let connected = connect(addr).await;
    drop(permit);
    let (mut ws, mut last) = match connected {
        Ok(c) => c,
        Err(e) => {
            shared.failed.fetch_add(1, Ordering::Relaxed);
            return Err(e);
        }
    };
    shared.connected.fetch_add(1, Ordering::Relaxed);
    let mut log = ClientLog::default();
    // Made once: a new `changed()` per message would register with the
    // watch (a lock shared by every client) on each event.
    let mut stopped = std::pin::pin!(stop.changed());
    loop {
        let msg = tokio::select! {
            biased;
            m = ws.next() => m,
            _ = &mut stopped => break,
        };
        let text = match msg {
            Some(Ok(Message::Text(t))) => t,
            Some(Ok(Message::Close(_))) | None => bail!("the server closed the stream"),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(e.into()),
        };
        let at = Instant::now();
        let m: Msg = serde_json::from_str(text.as_str())?;
        match m.kind.as_ref() {
            "snapshot" => {
                log.resnapshots += 1;
                last = m.seq;
            }
            "event" => {
                if m.seq <= last {
                    log.out_of_order += 1;
                    continue;
                }
                if m.seq != last + 1 {
                    log.gaps += 1;
                }
                last = m.seq;
                if let Some(Ev {
                    kind,
                    number: Some(n),
                }) = &m.event
                {
                    if kind == "ticket_called" {
                        shared.called_bytes.store(text.len(), Ordering::Relaxed);
                        log.called.push((n.to_string(), at));
                        shared.called.fetch_add(1, Ordering::Relaxed);
                    }
                }
                shared.events.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
    Ok(log)
}

/// Server memory per idle live connection.
#[derive(Debug, Clone, Serialize)]
pub struct IdleMemory {
    pub connections: usize,
    /// Server RSS with half of the connections open, then with all.
    pub rss_half_bytes: u64,
    pub rss_all_bytes: u64,
    /// (rss_all − rss_half) / (connections − connections / 2): the slope,
    /// which memory the allocator already holds cannot hide as it hides the
    /// first connections.
    pub per_connection_bytes: u64,
}

/// Opens `n` live connections (each reads its snapshot, then idles), half
/// then the rest, reading the server's RSS after each half; then closes them.
pub async fn idle_memory(
    server: &Server,
    n: usize,
    settle: Duration,
) -> anyhow::Result<IdleMemory> {
    use futures_util::stream::{self, TryStreamExt};
    let open = |count: usize| {
        stream::iter((0..count).map(|_| connect(server.addr)))
            .buffer_unordered(CONNECTING)
            .map_ok(|(ws, _)| ws)
            .try_collect::<Vec<_>>()
    };
    let half = n / 2;
    let mut conns = open(half).await?;
    tokio::time::sleep(settle).await;
    let rss_half = server.rss()?;
    conns.extend(open(n - half).await?);
    tokio::time::sleep(settle).await;
    let rss_all = server.rss()?;
    drop(conns);
    Ok(IdleMemory {
        connections: n,
        rss_half_bytes: rss_half,
        rss_all_bytes: rss_all,
        per_connection_bytes: rss_all.saturating_sub(rss_half) / (n - half).max(1) as u64,
    })
}

/// Waits until `counter` reaches `target`; false on timeout.
async fn wait_for(counter: &AtomicU64, target: u64) -> bool {
    let deadline = Instant::now() + DELIVERY_TIMEOUT;
    while counter.load(Ordering::Relaxed) < target {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    true
}

/// POSTs `path` with no body; its body when it answers `want`, else an
/// error naming what it answered.
pub(crate) async fn expect(conn: &mut Conn, path: &str, want: u16) -> anyhow::Result<Vec<u8>> {
    let r = conn.post(path, b"").await?;
    if r.status != want {
        bail!(
            "POST {path} answered {} instead of {want}: {}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
    }
    Ok(r.body)
}

/// Runs one live test with `clients` clients and `calls` calls at `counter`
/// of the live office. `clerk` is signed in.
pub async fn run(
    server: &Server,
    clerk: &mut Conn,
    counter: &str,
    clients: usize,
    calls: usize,
    settle: Duration,
) -> anyhow::Result<LiveResult> {
    let base = format!("/api/v1/offices/{LIVE_OFFICE}");
    let body = format!("{{\"service\":\"{LIVE_SERVICE}\",\"channel\":\"online\"}}");
    for _ in 0..calls {
        let r = clerk
            .post(&format!("{base}/tickets"), body.as_bytes())
            .await?;
        if r.status != 201 {
            bail!("issuing a ticket answered {}", r.status);
        }
    }
    let counter_path = format!("{base}/counters/{counter}");
    expect(clerk, &format!("{counter_path}/open"), 200).await?;

    let shared = Arc::new(Shared::default());
    let gate = Arc::new(tokio::sync::Semaphore::new(CONNECTING));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let t0 = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            tokio::spawn(client(
                server.addr,
                Arc::clone(&shared),
                Arc::clone(&gate),
                stop_rx.clone(),
            ))
        })
        .collect();
    while shared.connected.load(Ordering::Relaxed) + shared.failed.load(Ordering::Relaxed) < clients
    {
        if t0.elapsed() > Duration::from_secs(120) {
            bail!("live clients still connecting after 120 s");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let connect_s = t0.elapsed().as_secs_f64();
    let connected = shared.connected.load(Ordering::Relaxed);
    tokio::time::sleep(settle).await;

    let cpu0 = CpuMeter::read(server)?;
    let calls_started = Instant::now();
    let mut sent: HashMap<String, Instant> = HashMap::with_capacity(calls);
    let n = connected as u64;
    for k in 0..calls as u64 {
        let t = Instant::now();
        let ticket = expect(clerk, &format!("{counter_path}/call-next"), 200).await?;
        let v: serde_json::Value = serde_json::from_slice(&ticket)?;
        let number = v["number"]
            .as_str()
            .context("call-next answered no number")?
            .to_owned();
        sent.insert(number, t);
        wait_for(&shared.called, n * (k + 1)).await;
        expect(clerk, &format!("{counter_path}/start"), 200).await?;
        expect(clerk, &format!("{counter_path}/finish"), 200).await?;
        // call-next, start and finish are one event each.
        wait_for(&shared.events, n * 3 * (k + 1)).await;
    }
    let calls_s = calls_started.elapsed().as_secs_f64();
    let used = cpu0.until(&CpuMeter::read(server)?);
    let (server_cpu, client_cpu) = (used.server_s, used.bench_s);
    let _ = stop_tx.send(true);
    let mut lat = stats::Fanout::with_capacity(clients * calls);
    let (mut gaps, mut out_of_order, mut resnapshots, mut failed) = (0, 0, 0, 0u64);
    let mut logs = Vec::with_capacity(clients);
    for t in tasks {
        match t.await? {
            Ok(log) => logs.push(log),
            Err(_) => failed += 1,
        }
    }
    for log in &logs {
        gaps += log.gaps;
        out_of_order += log.out_of_order;
        resnapshots += log.resnapshots;
        for (number, at) in &log.called {
            if let Some(t) = sent.get(number) {
                let us =
                    u32::try_from(at.saturating_duration_since(*t).as_micros()).unwrap_or(u32::MAX);
                lat.add(number.as_str(), us);
            }
        }
    }
    expect(clerk, &format!("{counter_path}/close"), 200).await?;
    let delivered = lat.len() as u64;
    let s = lat.summary();
    Ok(LiveResult {
        clients,
        calls,
        p50_ms: s.p50_ms,
        p99_ms: s.p99_ms,
        max_ms: s.max_ms,
        last_client_p50_ms: s.last_p50_ms,
        last_client_max_ms: s.last_max_ms,
        delivered,
        expected: (clients * calls) as u64,
        gaps,
        out_of_order,
        resnapshots,
        failed_clients: failed,
        calls_s,
        server_cpu_s: server_cpu,
        client_cpu_s: client_cpu,
        server_cpu_us_per_delivery: stats::us_each(server_cpu, (3 * connected * calls) as u64),
        client_cpu_us_per_delivery: stats::us_each(client_cpu, (3 * connected * calls) as u64),
        connect_s,
        called_frame_bytes: shared.called_bytes.load(Ordering::Relaxed),
        floor: None,
    })
}
