//! The floor under call-to-display on this machine, measured in the same
//! run: the same number of loopback TCP connections between two processes
//! (this bench and a copy of it started as the peer), one task per
//! connection waiting on a tokio broadcast and writing one message of the
//! size of a `ticket_called` frame, read by one task per connection on the
//! other side. No WebSocket, JSON, office or durability: what is left is the
//! kernel's loopback and the runtime, which no server here can go below.
//!
//! Each message carries the wall-clock nanosecond it was sent at (both
//! processes read the same clock); the peer reports the latencies.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

use crate::stats;

/// Longest wait for every peer connection to get a round's message.
const ROUND_TIMEOUT: Duration = Duration::from_secs(10);

/// The plain fan-out to `clients` connections.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FanoutResult {
    pub clients: usize,
    pub rounds: usize,
    pub bytes: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Per round, the time until the last connection had it: the median.
    pub last_client_p50_ms: f64,
    /// CPU per message of the sending process (this bench) and of the
    /// reading peer, over the rounds.
    pub sender_cpu_us_per_delivery: f64,
    pub reader_cpu_us_per_delivery: f64,
}

fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Runs the fan-out with a peer process: `rounds` messages of `bytes` bytes
/// to each of `clients` connections, one round after the other.
pub async fn run(clients: usize, rounds: usize, bytes: usize) -> anyhow::Result<FanoutResult> {
    let bytes = bytes.max(8);
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut peer = tokio::process::Command::new(std::env::current_exe()?)
        .args(["--fanout-peer", &addr.to_string()])
        .args(["--clients", &clients.to_string()])
        .args(["--rounds", &rounds.to_string()])
        .args(["--bytes", &bytes.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .context("starting the fan-out peer")?;
    let mut lines = BufReader::new(peer.stdout.take().context("no peer stdout")?).lines();
    let (tx, _) = broadcast::channel::<Arc<Vec<u8>>>(4);
    for _ in 0..clients {
        let (mut sock, _) = tokio::time::timeout(Duration::from_secs(60), listener.accept())
            .await
            .context("the fan-out peer did not connect")??;
        sock.set_nodelay(true)?;
        let mut rx = tx.subscribe();
        tokio::spawn(async move {
            while let Ok(msg) = rx.recv().await {
                if sock.write_all(&msg).await.is_err() {
                    break;
                }
            }
        });
    }
    let cpu0 = crate::server::cpu_s("/proc/self/stat")?;
    for round in 1..=rounds {
        let mut msg = vec![b' '; bytes];
        msg[..8].copy_from_slice(&now_ns().to_le_bytes());
        tx.send(Arc::new(msg))?;
        let line = tokio::time::timeout(ROUND_TIMEOUT, lines.next_line())
            .await
            .with_context(|| format!("round {round} not delivered to every connection"))??
            .context("the fan-out peer stopped")?;
        if line != round.to_string() {
            bail!("the fan-out peer said {line:?} after round {round}");
        }
    }
    let sender_cpu = crate::server::cpu_s("/proc/self/stat")? - cpu0;
    // Closing every connection ends the peer's readers; it then reports.
    drop(tx);
    let report = lines
        .next_line()
        .await?
        .context("no report from the peer")?;
    peer.wait().await?;
    let mut result: FanoutResult = serde_json::from_str(&report)?;
    result.sender_cpu_us_per_delivery = stats::us_each(sender_cpu, (clients * rounds) as u64);
    Ok(result)
}

/// The peer's side (`antrean-bench --fanout-peer ADDR`): opens `clients`
/// connections, prints each round's number once every connection has it,
/// then one JSON [`FanoutResult`] when the other side closes.
pub async fn peer(
    addr: SocketAddr,
    clients: usize,
    rounds: usize,
    bytes: usize,
) -> anyhow::Result<()> {
    let received = Arc::new(AtomicU64::new(0));
    let mut readers = Vec::with_capacity(clients);
    for _ in 0..clients {
        let mut sock = TcpStream::connect(addr).await?;
        sock.set_nodelay(true)?;
        let received = Arc::clone(&received);
        readers.push(tokio::spawn(async move {
            let mut lat: Vec<(u64, u32)> = Vec::with_capacity(rounds);
            let mut buf = vec![0u8; bytes];
            while sock.read_exact(&mut buf).await.is_ok() {
                let at = now_ns();
                let mut stamp = [0u8; 8];
                stamp.copy_from_slice(&buf[..8]);
                let sent = u64::from_le_bytes(stamp);
                let us = u32::try_from(at.saturating_sub(sent) / 1000).unwrap_or(u32::MAX);
                lat.push((sent, us));
                received.fetch_add(1, Ordering::Relaxed);
            }
            lat
        }));
    }
    let mut out = tokio::io::stdout();
    let n = clients as u64;
    let cpu0 = crate::server::cpu_s("/proc/self/stat")?;
    for round in 1..=rounds as u64 {
        while received.load(Ordering::Relaxed) < n * round {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        out.write_all(format!("{round}\n").as_bytes()).await?;
        out.flush().await?;
    }
    let reader_cpu = crate::server::cpu_s("/proc/self/stat")? - cpu0;
    // A round is known by its send time, which all its messages carry.
    let mut lat = stats::Fanout::with_capacity(clients * rounds);
    for r in readers {
        for (sent, us) in r.await? {
            lat.add(sent, us);
        }
    }
    let s = lat.summary();
    let result = FanoutResult {
        clients,
        rounds,
        bytes,
        p50_ms: s.p50_ms,
        p99_ms: s.p99_ms,
        max_ms: s.max_ms,
        last_client_p50_ms: s.last_p50_ms,
        sender_cpu_us_per_delivery: 0.0,
        reader_cpu_us_per_delivery: stats::us_each(reader_cpu, (clients * rounds) as u64),
    };
    out.write_all(format!("{}\n", serde_json::to_string(&result)?).as_bytes())
        .await?;
    out.flush().await?;
    Ok(())
}
