//! The live hub of one office: every durable event, serialised once, fanned
//! out to every live client through a `broadcast` channel, and kept in a ring
//! so that a client that reconnects with `?since=N` misses nothing. The same
//! channel carries the office's ping beat, so that a connection needs no
//! timer of its own.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::extract::ws::Utf8Bytes;
use tokio::sync::broadcast;

/// Events kept for resuming clients; older ones come from the database.
const RING: usize = 4096;
/// Frames a client may fall behind before it is sent a fresh snapshot.
const CHANNEL: usize = 1024;

/// One event, ready to send.
#[derive(Debug)]
pub struct Frame {
    pub seq: u64,
    /// The public JSON message, shared by every client.
    pub text: Utf8Bytes,
    /// The ticket the event is about (for ticket streams; never sent).
    pub code: Option<String>,
    /// Services whose waiting citizens may have moved (for ticket streams).
    pub services: Vec<String>,
}

/// What the hub sends each subscriber.
#[derive(Debug, Clone)]
pub enum Note {
    Frame(Arc<Frame>),
    /// Time to ping the client (and to drop it if it has gone silent).
    Ping,
}

/// What a subscriber missed since the seq it gave.
#[derive(Debug)]
pub enum Backlog {
    /// These frames, in order (possibly none): nothing else is missing.
    Frames(Vec<Arc<Frame>>),
    /// Older than the ring: read the log or send a snapshot.
    TooOld,
}

/// Cheap handle; clones share the hub.
#[derive(Debug, Clone)]
pub struct Hub {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    ring: VecDeque<Arc<Frame>>,
    last_seq: u64,
    tx: broadcast::Sender<Note>,
}

impl Hub {
    /// A hub whose office has published up to `last_seq`.
    pub fn new(last_seq: u64) -> Self {
        let (tx, _) = broadcast::channel(CHANNEL);
        Hub {
            inner: Arc::new(Mutex::new(Inner {
                ring: VecDeque::with_capacity(RING),
                last_seq,
                tx,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding this lock leaves nothing half-done: recover.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Publishes durable frames, in seq order.
    pub fn publish(&self, frames: Vec<Arc<Frame>>) {
        let mut inner = self.lock();
        for f in frames {
            if inner.ring.len() == RING {
                inner.ring.pop_front();
            }
            inner.last_seq = f.seq;
            inner.ring.push_back(Arc::clone(&f));
            // No receiver is fine: nobody is watching.
            let _ = inner.tx.send(Note::Frame(f));
        }
    }

    /// Asks every subscriber to ping its client.
    pub fn ping(&self) {
        // No receiver is fine: nobody is watching.
        let _ = self.lock().tx.send(Note::Ping);
    }

    /// The office was rebuilt after a failure at `seq`.
    pub fn reset(&self, seq: u64) {
        let mut inner = self.lock();
        inner.ring.retain(|f| f.seq <= seq);
        inner.last_seq = seq;
    }

    /// Subscribes, and tells atomically what was missed after `since`.
    pub fn subscribe(&self, since: Option<u64>) -> (broadcast::Receiver<Note>, Backlog) {
        let inner = self.lock();
        let rx = inner.tx.subscribe();
        let backlog = match since {
            None => Backlog::TooOld,
            Some(s) if s == inner.last_seq => Backlog::Frames(Vec::new()),
            Some(s) if s > inner.last_seq => Backlog::TooOld,
            Some(s) => match inner.ring.front() {
                Some(first) if first.seq <= s + 1 => {
                    Backlog::Frames(inner.ring.iter().filter(|f| f.seq > s).cloned().collect())
                }
                _ => Backlog::TooOld,
            },
        };
        (rx, backlog)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(seq: u64) -> Arc<Frame> {
        Arc::new(Frame {
            seq,
            text: Utf8Bytes::from(seq.to_string()),
            code: None,
            services: vec![],
        })
    }

    #[test]
    fn resume_gets_exactly_what_was_missed() {
        let hub = Hub::new(10);
        hub.publish((11..=20).map(frame).collect());
        let (_, b) = hub.subscribe(Some(15));
        match b {
            Backlog::Frames(f) => assert_eq!(
                f.iter().map(|f| f.seq).collect::<Vec<_>>(),
                vec![16, 17, 18, 19, 20]
            ),
            Backlog::TooOld => panic!("ring has it"),
        }
        assert!(matches!(hub.subscribe(Some(20)).1, Backlog::Frames(f) if f.is_empty()));
        assert!(matches!(hub.subscribe(Some(5)).1, Backlog::TooOld));
        assert!(matches!(hub.subscribe(Some(99)).1, Backlog::TooOld));
        assert!(matches!(hub.subscribe(None).1, Backlog::TooOld));
    }

    #[test]
    fn the_ring_forgets_the_oldest() {
        let hub = Hub::new(0);
        hub.publish((1..=(RING as u64 + 10)).map(frame).collect());
        assert!(matches!(hub.subscribe(Some(3)).1, Backlog::TooOld));
        assert!(matches!(hub.subscribe(Some(20)).1, Backlog::Frames(f) if f.len() == RING - 10));
    }
}
