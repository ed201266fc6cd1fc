//! A private PostgreSQL cluster for tests that stop and start the database
//! (never the machine's shared one): `initdb` in a temporary directory,
//! `pg_ctl start` on a free loopback port with trust authentication, and
//! `pg_ctl stop` at will. Run as the `postgres` user when the tests run as
//! root (PostgreSQL refuses root). Without the binaries the test is skipped
//! loudly, or fails under `OSTIARY_REQUIRE_PEERS=1`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::helpers::peer_available;
use crate::mail_sink::free_port;

/// A running (or stopped) private cluster; stopped and removed on drop.
pub struct PgCluster {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    pub port: u16,
    run_as: Option<String>,
    _dir: tempfile::TempDir,
}

/// The directory holding `initdb` and `pg_ctl`: `PATH`, else the newest
/// `/usr/lib/postgresql/*/bin`.
fn bin_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .collect();
    candidates.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    candidates.reverse();
    if let Ok(path) = std::env::var("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    candidates
        .into_iter()
        .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl PgCluster {
    /// Create and start a cluster, or `None` (skipped) without PostgreSQL.
    pub fn start() -> Option<Self> {
        let bin = bin_dir();
        if !peer_available(
            "PostgreSQL server binaries (initdb, pg_ctl)",
            bin.is_some(),
            "apt-get install postgresql",
        ) {
            return None;
        }
        let bin = bin.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let run_as = is_root().then(|| "postgres".to_owned());
        if let Some(user) = &run_as {
            let status = Command::new("chown")
                .args([user.as_str(), dir.path().to_str().unwrap()])
                .status()
                .unwrap();
            assert!(status.success(), "chown {user} failed");
        }
        let cluster = Self {
            bin,
            data: dir.path().join("data"),
            log: dir.path().join("server.log"),
            port: free_port(),
            run_as,
            _dir: dir,
        };
        let init = cluster.run(
            "initdb",
            &[
                "-D",
                cluster.data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        assert!(init.status.success(), "initdb failed: {}", show(&init));
        cluster.start_server();
        Some(cluster)
    }

    /// The URL of the `postgres` database, as `OSTIARY_TEST_DATABASE_URL`.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Start the server (again) and wait until it accepts connections.
    pub fn start_server(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c max_connections=50",
            self.port,
            self.data.parent().unwrap().display()
        );
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-l",
                self.log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}\n{}",
            show(&out),
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// Stop the server (`-m fast`: connections are closed at once).
    pub fn stop_server(&self) {
        let out = self.pg_ctl_stop("fast");
        assert!(out.status.success(), "pg_ctl stop failed: {}", show(&out));
    }

    fn pg_ctl_stop(&self, mode: &str) -> Output {
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-m",
                mode,
                "-w",
                "-t",
                "60",
                "stop",
            ],
        )
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let program = self.bin.join(program);
        let mut cmd = match &self.run_as {
            Some(user) => {
                let mut cmd = Command::new("runuser");
                cmd.args(["-u", user, "--"]).arg(&program);
                cmd
            }
            None => Command::new(&program),
        };
        cmd.args(args)
            .current_dir(self.data.parent().unwrap_or(Path::new("/")))
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
    }
}

fn show(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl_stop("immediate");
    }
}
