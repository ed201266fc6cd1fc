//! Several real `ostiary serve` processes on one database behind an nginx
//! load balancer (S1), for the multi-instance tests: free loopback ports,
//! one master key file, SIGKILL and restart, every child killed when the
//! test ends, passed or not.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::helpers::{TestDatabase, peer_available};

/// How long a process may take to start (migrations on a busy machine).
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// A free TCP port on loopback (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The nginx binary: `$NGINX`, else the distribution's `/usr/sbin/nginx`,
/// else `nginx` on the PATH.
fn nginx_bin() -> String {
    if let Ok(bin) = std::env::var("NGINX") {
        return bin;
    }
    if Path::new("/usr/sbin/nginx").exists() {
        return "/usr/sbin/nginx".into();
    }
    "nginx".into()
}

/// Whether nginx is installed (skips loudly, or fails under
/// `OSTIARY_REQUIRE_PEERS=1`).
pub fn nginx_peer() -> bool {
    let ok = Command::new(nginx_bin())
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    peer_available("nginx", ok, "apt-get install nginx-light")
}

/// A command running the `ostiary` binary in `dir` with a clean `OSTIARY_*`
/// environment plus `env`.
fn ostiary_command(dir: &Path, env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ostiary"));
    cmd.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("OSTIARY_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// One `ostiary serve` process (restartable).
pub struct Instance {
    pub name: String,
    pub port: u16,
    pub management_port: u16,
    env: Vec<(String, String)>,
    dir: PathBuf,
    child: Option<Child>,
    starts: u32,
}

impl Instance {
    /// `http://127.0.0.1:PORT`, the instance itself (not through nginx).
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The address nginx reports in `X-Upstream`.
    pub fn upstream(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn log_path(&self) -> PathBuf {
        self.dir.join(format!("{}-{}.log", self.name, self.starts))
    }

    /// Everything the current (or last) process logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn spawn(&mut self) {
        self.starts += 1;
        let log = std::fs::File::create(self.log_path()).unwrap();
        let mut cmd = ostiary_command(&self.dir, &self.env);
        cmd.arg("serve")
            .env("OSTIARY_LISTEN", format!("127.0.0.1:{}", self.port))
            .env(
                "OSTIARY_MANAGEMENT_LISTEN",
                format!("127.0.0.1:{}", self.management_port),
            )
            .env(
                "OSTIARY_DATA_DIR",
                self.dir.join(format!("{}-data", self.name)),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log));
        self.child = Some(cmd.spawn().unwrap());
    }

    /// Wait until `/readyz` on the management listener answers 200; a
    /// process that exits meanwhile fails the test with its log.
    pub async fn wait_ready(&mut self) {
        let started = Instant::now();
        let url = format!("http://127.0.0.1:{}/readyz", self.management_port);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("{} exited ({status}):\n{}", self.name, self.log());
            }
            if let Ok(res) = client.get(&url).send().await
                && res.status().is_success()
            {
                return;
            }
            assert!(
                started.elapsed() < START_TIMEOUT,
                "{} did not get ready:\n{}",
                self.name,
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGKILL: no shutdown, no flushing, connections cut.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Start again on the same ports and data directory.
    pub async fn restart(&mut self) {
        self.kill();
        self.spawn();
        self.wait_ready().await;
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// nginx in the foreground, with everything (pid, logs, temp files) in its
/// own directory.
pub struct Nginx {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

impl Nginx {
    /// The error log, for failure messages.
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The configuration of the test's load balancer: round robin over
/// `upstreams`, nginx's default `proxy_next_upstream error timeout` (a
/// request is passed to the other instance only when it could not be sent,
/// or for idempotent methods), a failed instance left out for 1 s, and
/// `X-Upstream` naming the instance that answered.
pub fn nginx_conf(dir: &Path, port: u16, upstreams: &[u16]) -> String {
    let d = dir.display();
    let servers: String = upstreams
        .iter()
        .map(|p| format!("    server 127.0.0.1:{p} max_fails=1 fail_timeout=1s;\n"))
        .collect();
    // As root the workers would switch to an unprivileged user that
    // cannot enter the private temporary directory.
    let user = if is_root() { "user root;\n" } else { "" };
    format!(
        r#"{user}worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{
  worker_connections 512;
}}
http {{
  access_log {d}/access.log;
  client_body_temp_path {d}/body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  upstream ostiary {{
{servers}    keepalive 16;
    # Below the instances' keep-alive (5 s): never reuse a connection
    # the instance is closing.
    keepalive_timeout 4s;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://ostiary;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      proxy_read_timeout 20s;
      add_header X-Upstream $upstream_addr always;
    }}
  }}
}}
"#
    )
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Start nginx on `port` in front of `upstreams`; waits until it accepts.
pub async fn start_nginx(dir: &Path, port: u16, upstreams: &[u16]) -> Nginx {
    let dir = dir.join("nginx");
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, nginx_conf(&dir, port, upstreams)).unwrap();
    let out = std::fs::File::create(dir.join("stderr.log")).unwrap();
    let child = Command::new(nginx_bin())
        .arg("-p")
        .arg(&dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(&conf)
        .arg("-g")
        .arg("daemon off;")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out.try_clone().unwrap()))
        .stderr(Stdio::from(out))
        .spawn()
        .unwrap();
    let mut nginx = Nginx { port, dir, child };
    let started = Instant::now();
    loop {
        if let Some(status) = nginx.child.try_wait().unwrap() {
            panic!(
                "nginx exited ({status}):\n{}\n{}",
                std::fs::read_to_string(nginx.dir.join("stderr.log")).unwrap_or_default(),
                nginx.error_log()
            );
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return nginx;
        }
        assert!(started.elapsed() < START_TIMEOUT, "nginx did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two (or more) instances on one PostgreSQL database with one master
/// key, behind nginx; the issuer is nginx's address.
pub struct Cluster {
    // Processes first: they end before the database is dropped.
    pub nginx: Nginx,
    pub instances: Vec<Instance>,
    env: Vec<(String, String)>,
    _db: TestDatabase,
    pub dir: tempfile::TempDir,
}

impl Cluster {
    /// Write a master key, start `n` instances one after the other (the
    /// first migrates `db`) and nginx in front of them.
    /// `extra` adds `OSTIARY_*` settings for every process.
    pub async fn start(db: TestDatabase, n: usize, extra: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        // One master key for every process (a configured key file is never
        // generated).
        let mut key = [0u8; 32];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom").unwrap(), &mut key)
            .unwrap();
        let key_file = dir.path().join("master.key");
        std::fs::write(&key_file, format!("{}\n", STANDARD.encode(key))).unwrap();
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let nginx_port = free_port();
        let mut env: Vec<(String, String)> = vec![
            ("OSTIARY_DATABASE_URL".into(), db.url.clone()),
            (
                "OSTIARY_MASTER_KEY_FILE".into(),
                key_file.display().to_string(),
            ),
            (
                "OSTIARY_ISSUER".into(),
                format!("http://127.0.0.1:{nginx_port}"),
            ),
            ("OSTIARY_TRUSTED_PROXIES".into(), r#"["127.0.0.1"]"#.into()),
            ("OSTIARY_LOG_LEVEL".into(), "info".into()),
        ];
        env.extend(
            extra
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
        );
        let mut instances = Vec::new();
        for i in 1..=n {
            let mut instance = Instance {
                name: format!("instance-{i}"),
                port: free_port(),
                management_port: free_port(),
                env: env.clone(),
                dir: dir.path().to_path_buf(),
                child: None,
                starts: 0,
            };
            instance.spawn();
            instance.wait_ready().await;
            instances.push(instance);
        }
        let ports: Vec<u16> = instances.iter().map(|i| i.port).collect();
        let nginx = start_nginx(dir.path(), nginx_port, &ports).await;
        Self {
            nginx,
            instances,
            env,
            _db: db,
            dir,
        }
    }

    /// The load balancer's address (the issuer).
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.nginx.port)
    }

    /// Run the CLI against the cluster's database and master key; `stdin`
    /// is written to it. Asserts success and returns stdout.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> String {
        use std::io::Write;
        let mut cmd = ostiary_command(self.dir.path(), &self.env);
        cmd.args(args)
            .env("OSTIARY_LOG_LEVEL", "warn")
            .env(
                "OSTIARY_DATA_DIR",
                self.dir.path().join("cli-data").display().to_string(),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        let out: Output = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "ostiary {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Every instance's log, for failure messages.
    pub fn logs(&self) -> String {
        self.instances
            .iter()
            .map(|i| format!("--- {} ---\n{}", i.name, i.log()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
