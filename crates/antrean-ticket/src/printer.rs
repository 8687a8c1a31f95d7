//! Sending a job to a network receipt printer (raw TCP, usually port 9100).
//!
//! Blocking std networking on purpose: a job is a kilobyte, the printer is on
//! the LAN, and the caller runs this on a blocking thread. Every step is
//! bounded by a timeout, so a printer that is off, jammed or out of paper
//! (and stops reading) yields an error instead of a hung kiosk.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

/// Why a job did not reach the printer. `addr` is the address as given.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// A timeout of zero was passed, which the OS cannot express.
    #[error("invalid printer timeout: {0:?} must be more than zero")]
    InvalidTimeout(Duration),
    /// The address is not "host:port" or the host name does not resolve.
    #[error("printer address {addr:?} could not be resolved (expected \"host:port\")")]
    Resolve {
        addr: String,
        #[source]
        source: io::Error,
    },
    /// Nothing listens on that port: the host is up but is not a printer, or
    /// the printer's raw port is disabled.
    #[error("printer {addr} refused the connection (is it a printer with raw TCP printing on this port?)")]
    Refused { addr: String },
    /// No route to the printer: wrong address, unplugged, or another network.
    #[error("printer {addr} is unreachable (check its IP address and network cable)")]
    Unreachable {
        addr: String,
        #[source]
        source: io::Error,
    },
    /// No answer within the connect timeout: the printer is probably off.
    #[error("printer {addr} did not answer within {timeout:?} (is it switched on?)")]
    ConnectTimedOut { addr: String, timeout: Duration },
    /// Connecting failed for another reason.
    #[error("could not connect to printer {addr}")]
    Connect {
        addr: String,
        #[source]
        source: io::Error,
    },
    /// The printer stopped taking data (paper out, cover open, jammed) and
    /// the job could not be sent within the write timeout.
    #[error("printer {addr} stopped accepting data: {sent} of {total} bytes sent within {timeout:?} (paper out or cover open?)")]
    WriteTimedOut {
        addr: String,
        timeout: Duration,
        sent: usize,
        total: usize,
    },
    /// The connection broke while sending (e.g. the printer reset it).
    #[error("sending to printer {addr} failed after {sent} of {total} bytes")]
    Write {
        addr: String,
        sent: usize,
        total: usize,
        #[source]
        source: io::Error,
    },
}

/// Largest piece handed to the OS at once, so the deadline is checked often.
const CHUNK: usize = 64 * 1024;

/// Sends `bytes` to the printer at `addr` ("host:port", e.g.
/// "192.168.1.50:9100") and closes the sending side.
///
/// `connect_timeout` bounds the connection attempt (shared by all addresses
/// the name resolves to); `write_timeout` bounds the whole transfer, so a
/// printer that stops reading makes this fail after about that long. After
/// sending, it waits (up to a second, within the same budget) for the printer
/// to close its side, so the job is not cut short by a reset.
/// Resolving a host name uses the system resolver, which has no timeout of
/// its own: configure printers by IP address.
pub fn send_to_printer(
    addr: &str,
    bytes: &[u8],
    connect_timeout: Duration,
    write_timeout: Duration,
) -> Result<(), PrintError> {
    for timeout in [connect_timeout, write_timeout] {
        if timeout.is_zero() {
            return Err(PrintError::InvalidTimeout(timeout));
        }
    }
    let mut stream = connect(addr, connect_timeout)?;
    let total = bytes.len();
    let write_error = |sent: usize, source: io::Error| match source.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => PrintError::WriteTimedOut {
            addr: addr.to_owned(),
            timeout: write_timeout,
            sent,
            total,
        },
        _ => PrintError::Write {
            addr: addr.to_owned(),
            sent,
            total,
            source,
        },
    };

    let deadline = Instant::now() + write_timeout;
    let mut sent = 0;
    while sent < total {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(write_error(sent, io::ErrorKind::TimedOut.into()));
        }
        stream
            .set_write_timeout(Some(left))
            .map_err(|e| write_error(sent, e))?;
        let end = total.min(sent + CHUNK);
        match stream.write(&bytes[sent..end]) {
            Ok(0) => return Err(write_error(sent, io::ErrorKind::WriteZero.into())),
            Ok(n) => sent += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(write_error(sent, e)),
        }
    }
    stream.flush().map_err(|e| write_error(sent, e))?;
    stream
        .shutdown(Shutdown::Write)
        .map_err(|e| write_error(sent, e))?;
    drain_until_closed(&mut stream, deadline);
    Ok(())
}

/// Longest wait for the printer to close its side after the job is sent.
const LINGER: Duration = Duration::from_secs(1);

/// Reads and discards whatever the printer sends (some send status bytes
/// unasked) until it closes the connection, for at most [`LINGER`].
///
/// Closing a socket with unread incoming data makes the OS reset the
/// connection, and a printer that is reset may drop the end of a job it has
/// not processed yet: the classic "last lines missing" of raw printing.
/// Failures here are not errors: the job has been handed over.
fn drain_until_closed(stream: &mut TcpStream, deadline: Instant) {
    let until = deadline.min(Instant::now() + LINGER);
    let mut sink = [0u8; 512];
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Connects to the first address of `addr` that answers, all attempts
/// together within `timeout`.
fn connect(addr: &str, timeout: Duration) -> Result<TcpStream, PrintError> {
    let resolve_error = |source| PrintError::Resolve {
        addr: addr.to_owned(),
        source,
    };
    let candidates: Vec<SocketAddr> = addr.to_socket_addrs().map_err(resolve_error)?.collect();
    if candidates.is_empty() {
        return Err(resolve_error(io::Error::new(
            io::ErrorKind::NotFound,
            "the name has no addresses",
        )));
    }
    let deadline = Instant::now() + timeout;
    let mut last = None;
    for candidate in candidates {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&candidate, left) {
            Ok(stream) => {
                // A ticket is one small write; send it now rather than waiting
                // for Nagle to batch it.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) => last = Some(e),
        }
    }
    let addr = addr.to_owned();
    Err(match last {
        None => PrintError::ConnectTimedOut { addr, timeout },
        Some(e) => match e.kind() {
            io::ErrorKind::ConnectionRefused => PrintError::Refused { addr },
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                PrintError::ConnectTimedOut { addr, timeout }
            }
            io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
                PrintError::Unreachable { addr, source: e }
            }
            _ => PrintError::Connect { addr, source: e },
        },
    })
}
