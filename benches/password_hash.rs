//! The denominator of the sign-in goal (issue 18 item 2, "cores ÷ hash
//! time"): the server's own argon2id hasher (`crypto::password`, default
//! parameters) timed in-process, one
//! hash at a time and with every core hashing. Prints one JSON line.
//!
//!   cargo bench --all-features --bench password_hash

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use ostiary::config::PasswordConfig;
use ostiary::crypto::password::PasswordHasher;
use ostiary::domain::Password;

const SEQUENTIAL: usize = 21;
const PER_CORE: usize = 15;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = PasswordConfig::default();
        let hasher = PasswordHasher::new(&config).unwrap();
        let password = Arc::new(Password::new(
            "quiet violet harbor lantern 42 drifting".into(),
        ));
        // Warm-up: the allocator, the first mapping.
        hasher.hash(&password).await.unwrap();
        let mut times = Vec::with_capacity(SEQUENTIAL);
        for _ in 0..SEQUENTIAL {
            let t = Instant::now();
            hasher.hash(&password).await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = times[SEQUENTIAL / 2];
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let t = Instant::now();
        let tasks: Vec<_> = (0..cores * PER_CORE)
            .map(|_| {
                let (h, p) = (hasher.clone(), password.clone());
                tokio::spawn(async move { h.hash(&p).await.unwrap() })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let all_cores = (cores * PER_CORE) as f64 / t.elapsed().as_secs_f64();
        println!(
            "{{\"hash_ms\":{median:.2},\"min_ms\":{:.2},\"max_ms\":{:.2},\"cores\":{cores},\"all_cores_per_s\":{all_cores:.1},\"memory_kib\":{},\"iterations\":{},\"parallelism\":{}}}",
            times[0],
            times[SEQUENTIAL - 1],
            config.memory_kib,
            config.iterations,
            config.parallelism
        );
    });
}
