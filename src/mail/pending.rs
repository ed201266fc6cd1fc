//! Mail sends running in the background (`deliver::send_later`), counted so
//! that a graceful shutdown can wait for them: a message handed to SMTP
//! gets its delivery record finished instead of being cut off mid-send.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// The background sends in flight (clones share the count).
#[derive(Debug, Clone)]
pub struct Pending(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    count: AtomicUsize,
    idle: Notify,
    /// The main runtime: an HTTP worker's runtime ends with the worker at
    /// shutdown, and would drop a send spawned on it mid-flight.
    runtime: tokio::runtime::Handle,
}

/// Decrements the count when the task ends, however it ends.
struct Guard(Arc<Inner>);

impl Drop for Guard {
    fn drop(&mut self) {
        if self.0.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Pending {
    /// Count the tasks spawned on `runtime` (the main one).
    pub fn new(runtime: tokio::runtime::Handle) -> Self {
        Self(Arc::new(Inner {
            count: AtomicUsize::new(0),
            idle: Notify::new(),
            runtime,
        }))
    }

    /// Run `task` on the main runtime, counted until it ends.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        self.0.count.fetch_add(1, Ordering::AcqRel);
        let guard = Guard(self.0.clone());
        self.0.runtime.spawn(async move {
            let _guard = guard;
            task.await;
        });
    }

    /// How many are running.
    pub fn count(&self) -> usize {
        self.0.count.load(Ordering::Acquire)
    }

    /// Wait until none is running, at most `timeout`; whether they all
    /// ended.
    pub async fn wait(&self, timeout: Duration) -> bool {
        let all_done = async {
            loop {
                let notified = self.0.idle.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.count() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, all_done).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waits_for_running_tasks_and_gives_up_after_the_timeout() {
        let pending = Pending::new(tokio::runtime::Handle::current());
        assert!(pending.wait(Duration::from_millis(1)).await);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        pending.spawn(async move {
            let _ = rx.await;
        });
        assert_eq!(pending.count(), 1);
        assert!(!pending.wait(Duration::from_millis(20)).await);
        let _ = tx.send(());
        assert!(pending.wait(Duration::from_secs(5)).await);
        assert_eq!(pending.count(), 0);
    }
}
