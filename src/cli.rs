//! The command line (clap): `serve` (default), `migrate`, `user create`,
//! `user list`, `config check`, `audit verify`, `client …`, `keys`, `mfa`, `invitation create`,
//! `provider …`, `webhook …`. Commands a script reads print JSON on
//! stdout; problems go to stderr with a non-zero exit code.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde_json::json;

use crate::users::accounts::{self, UserSpec};
use crate::users::{password_rules, setup};
use std::sync::Arc;

use crate::app::{Application, Options, prepare_state};
use crate::audit::Actor;
use crate::clock::{Clock, SystemClock};
use crate::config::{self, Config};
use crate::crypto::PasswordHasher;
use crate::crypto::signing::Alg;
use crate::db::Db;
use crate::db::migrations::run_migrations;
use crate::domain::{Email, Password, Role};
use crate::error::AppError;
use crate::keys::signing;

/// Ostiary, an OpenID Connect identity provider.
#[derive(Debug, Parser)]
#[command(name = "ostiary", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (default: ./ostiary.toml when it exists).
    #[arg(long, global = true, env = "OSTIARY_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the identity provider (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Work with the security audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Manage OIDC clients (applications).
    #[command(subcommand)]
    Client(crate::oidc::clients::cli::ClientCommand),
    /// Manage token signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Multi-factor authentication policies.
    #[command(subcommand)]
    Mfa(crate::auth::mfa::cli::MfaCommand),
    /// Invite people to organizations.
    #[command(subcommand)]
    Invitation(InvitationCommand),
    /// Manage upstream identity providers (SSO).
    #[command(subcommand)]
    Provider(crate::federation::cli::ProviderCommand),
    /// Manage admin-API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(crate::admin::cli::ApiKeyCommand),
    /// Manage organizations and their members.
    #[command(subcommand)]
    Org(crate::admin::org_cli::OrgCommand),
    /// Manage webhook subscriptions and their dead letters.
    #[command(subcommand)]
    Webhook(crate::webhooks::cli::WebhookCommand),
}

/// `ostiary invitation …`
#[derive(Debug, Subcommand)]
pub enum InvitationCommand {
    /// Create an invitation and email it; prints it as JSON with the accept
    /// URL (shown only now). Exits 1 when the email could not be sent.
    Create {
        /// Organization name (must exist).
        #[arg(long, value_name = "NAME")]
        org: String,
        /// Email address of the invited person.
        #[arg(long)]
        email: String,
        /// Role in the organization.
        #[arg(long, value_enum)]
        role: Role,
        /// Lifetime of the invitation (default: mail.invitation_ttl_hours).
        #[arg(long, value_name = "N")]
        expires_in_hours: Option<i64>,
    },
}

/// `ostiary keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Promote the next key to current, retire the current one, publish a new next key.
    Rotate {
        /// RS256 (default), ES256 or EdDSA.
        #[arg(long, default_value = "RS256")]
        alg: Alg,
    },
    /// List signing keys as JSON.
    List,
    /// Re-wrap every data key under the current master key
    /// (`master_key_file` or `[master_key]`), unwrapping with
    /// `previous_master_key_files` and `previous_master_keys`;
    /// resumable, safe with instances running. See docs/security.md.
    RotateMaster,
    /// Rotate the data key that seals TOTP secrets, signing keys, provider
    /// and webhook secrets: stage a new one, wait one
    /// `keys.data_key_cache_ttl_secs` for every instance to load it,
    /// activate it, re-encrypt every sealed value in batches, wait another
    /// TTL, sweep and retire the old key. Resumable (rerun after a crash),
    /// safe with instances and other runs going. See docs/security.md.
    RotateData {
        /// Only finish a rotation in progress; never start one.
        #[arg(long)]
        resume: bool,
        /// Values re-encrypted per transaction.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        batch: i64,
    },
}

/// `ostiary user …`
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user; prints the user as JSON.
    Create {
        /// Email address (stored trimmed and lowercased).
        #[arg(long)]
        email: String,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
        /// Make the user a superuser.
        #[arg(long)]
        admin: bool,
        /// Add the user to this organization (created when missing).
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
        /// Role in the organization (default: owner with --admin, else member).
        #[arg(long, value_enum, requires = "org")]
        role: Option<Role>,
        /// Display name.
        #[arg(long)]
        name: Option<String>,
    },
    /// Live users as a JSON array, with their roles and upstream identities.
    List {
        /// Only the user with this email.
        #[arg(long)]
        email: Option<String>,
        /// Only members of this organization.
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
    },
    /// Disable an account (ID or email): it signs in no more, its
    /// sessions and grants end.
    Disable { user: String },
    /// Enable a disabled account again.
    Enable { user: String },
    /// Soft-delete an account (its sessions, grants and linked upstream
    /// identities end).
    Delete { user: String },
    /// Bring a soft-deleted account back (by ID).
    Restore { user: String },
    /// Forget the sign-in throttle's counters on an account.
    Unlock { user: String },
    /// Mark an account's email address verified.
    VerifyEmail { user: String },
    /// Remove every second factor (TOTP, backup codes, passkeys) and end
    /// the sessions: the user enrols again.
    ResetMfa { user: String },
    /// One account as JSON (ID or email).
    Show { user: String },
}

/// `ostiary config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and explain each problem.
    Check,
}

/// `ostiary audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain; exits 1 naming the first broken row. With
    /// `--checkpoint FILE`, also check that the row the checkpoint names
    /// still has the hash it states (catches a rewrite of the whole log).
    Verify {
        /// A checkpoint made by `audit checkpoint` (or logged by the
        /// housekeeping job): the JWT, alone in the file.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<std::path::PathBuf>,
        /// The JWKS published when the checkpoint was made, for a
        /// checkpoint whose signing key is no longer stored.
        #[arg(long, value_name = "FILE", requires = "checkpoint")]
        jwks: Option<std::path::PathBuf>,
    },
    /// Link every committed, not yet sealed row into the hash chain now
    /// (a running server's sealer does this within about a second; this
    /// is for databases only the CLI writes to). Prints what it did.
    Seal,
    /// Sign a checkpoint of the chain head and print it (JSON); keep the
    /// `checkpoint` where the database's writers cannot change it.
    Checkpoint {
        /// Also write the checkpoint JWT alone to FILE.
        #[arg(long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (config, source) = match config::load(cli.config.as_deref()) {
        Ok(loaded) => loaded,
        Err(problems) => return report_config_problems(&problems),
    };
    if let Some(Command::Config(ConfigCommand::Check)) = cli.command {
        let problems = crate::app::check_config(&config);
        if !problems.is_empty() {
            return report_config_problems(&problems);
        }
        print_json(&json!({
            "ok": true,
            "file": source.file.map(|p| p.display().to_string()),
            "issuer": config.issuer,
            "listen": config.listen,
            "database": crate::db::Backend::from_url(config.database_url.expose()).map(|b| format!("{b:?}").to_lowercase()).ok(),
        }));
        return ExitCode::SUCCESS;
    }
    let problems = crate::app::check_config(&config);
    if !problems.is_empty() {
        return report_config_problems(&problems);
    }
    crate::telemetry::init_logging(&config);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn report_config_problems(problems: &[String]) -> ExitCode {
    eprintln!(
        "configuration is invalid ({} problem{}):",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for problem in problems {
        eprintln!("  - {problem}");
    }
    ExitCode::from(2)
}

fn print_json(value: &serde_json::Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

async fn run(command: Command, config: Config) -> Result<ExitCode, AppError> {
    match command {
        Command::Serve => serve(config).await,
        Command::Migrate => {
            let db = Db::connect(config.database_url.expose(), &config.database)?;
            let applied = db.run_unbounded(run_migrations).await?;
            print_json(&json!({ "applied": applied }));
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::List { email, org }) => {
            let db = Db::connect(config.database_url.expose(), &config.database)?;
            db.run_unbounded(run_migrations).await?;
            let listed = db
                .run(move |conn| accounts::list_users(conn, email.as_deref(), org.as_deref()))
                .await?;
            print_json(
                &serde_json::to_value(listed)
                    .map_err(|e| AppError::Internal(format!("json: {e}")))?,
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Disable { user }) => {
            user_change(config, user, crate::users::admin::Change::Disable).await
        }
        Command::User(UserCommand::Enable { user }) => {
            user_change(config, user, crate::users::admin::Change::Enable).await
        }
        Command::User(UserCommand::Restore { user }) => {
            user_change(config, user, crate::users::admin::Change::Restore).await
        }
        Command::User(UserCommand::Unlock { user }) => {
            user_change(config, user, crate::users::admin::Change::Unlock).await
        }
        Command::User(UserCommand::VerifyEmail { user }) => {
            user_change(config, user, crate::users::admin::Change::VerifyEmail).await
        }
        Command::User(UserCommand::ResetMfa { user }) => {
            user_change(config, user, crate::users::admin::Change::ResetMfa).await
        }
        Command::User(UserCommand::Show { user }) => user_show(config, user).await,
        Command::User(UserCommand::Delete { user }) => {
            user_change(config, user, crate::users::admin::Change::Delete).await
        }
        Command::User(UserCommand::Create {
            email,
            password_stdin,
            admin,
            org,
            role,
            name,
        }) => {
            let email = Email::parse(&email).map_err(AppError::BadRequest)?;
            let password_hash = if password_stdin {
                let password = read_password()?;
                let orgs: Vec<&str> = org.as_deref().into_iter().collect();
                password_rules::check_new_password(&config, &password, email.as_str(), &orgs)
                    .map_err(|rule| AppError::BadRequest(rule.to_string()))?;
                Some(
                    PasswordHasher::new(&config.password)?
                        .hash(&password)
                        .await?,
                )
            } else {
                None
            };
            let default_role = if admin { Role::Owner } else { Role::Member };
            let spec = UserSpec {
                email,
                display_name: name.unwrap_or_default(),
                password_hash,
                superuser: admin,
                // The operator vouches for the address (require_verified_email).
                email_verified: true,
                organization: org.map(|o| (o, role.unwrap_or(default_role))),
            };
            let db = Db::connect(config.database_url.expose(), &config.database)?;
            db.run_unbounded(run_migrations).await?;
            let now = SystemClock.now();
            let created = db
                .run(move |conn| accounts::create_user(conn, &Actor::system("cli"), &spec, now))
                .await?;
            print_json(&serde_json::to_value(&created).unwrap_or_default());
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify {
            checkpoint: Some(file),
            jwks,
        }) => {
            let read = |path: &std::path::Path, what: &str| {
                std::fs::read_to_string(path).map_err(|e| {
                    AppError::BadRequest(format!("cannot read the {what} {}: {e}", path.display()))
                })
            };
            let token = read(&file, "checkpoint file")?;
            let jwks = jwks.map(|p| read(&p, "JWKS file")).transpose()?;
            let issuer = config.public_base().to_owned();
            let db = Db::connect(config.database_url.expose(), &config.database)?;
            let report = db
                .run(move |conn| {
                    crate::audit::checkpoint::check(conn, &token, &issuer, jwks.as_deref())
                })
                .await?;
            print_json(&serde_json::to_value(&report).unwrap_or_default());
            if report.ok {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "audit checkpoint check failed: {}",
                    report.reason.unwrap_or_default()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Audit(AuditCommand::Checkpoint { output }) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            let made = crate::audit::checkpoint::issue(
                &state.db,
                &state.keys.snapshot(),
                state.config.public_base(),
                state.now(),
            )
            .await?;
            let event = crate::audit::Event::new(
                crate::audit::Action::AuditCheckpointed,
                crate::audit::Outcome::Success,
            )
            .details(
                serde_json::json!({ "audit_seq": made.audit_seq, "audit_hash": made.audit_hash }),
            );
            crate::audit::record_alone(&state.db, Actor::system("cli"), event, state.now()).await?;
            if let Some(path) = output {
                std::fs::write(&path, format!("{}\n", made.checkpoint)).map_err(|e| {
                    AppError::BadRequest(format!("cannot write {}: {e}", path.display()))
                })?;
            }
            print_json(&serde_json::to_value(&made).unwrap_or_default());
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify {
            checkpoint: None, ..
        }) => {
            let db = Db::connect(config.database_url.expose(), &config.database)?;
            let report = db.run(crate::audit::verify).await?;
            print_json(&serde_json::to_value(&report).unwrap_or_default());
            if report.unsealed_rows > 0 {
                eprintln!(
                    "{} newer rows are not sealed into the chain yet (a running server seals them within about a second; `ostiary audit seal` does it now)",
                    report.unsealed_rows
                );
            }
            if report.ok {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "audit chain broken at row {}: {}",
                    report.first_broken_seq.unwrap_or_default(),
                    report.reason.as_deref().unwrap_or_default()
                );
                // Recorded like the console's check, so the
                // `audit_verify_failed` alert rule sees it.
                let event = crate::audit::Event::new(
                    crate::audit::Action::AuditVerified,
                    crate::audit::Outcome::Failure,
                )
                .details(json!({
                    "rows_checked": report.rows_checked,
                    "first_broken_seq": report.first_broken_seq,
                }));
                let now = SystemClock.now();
                if let Err(e) =
                    crate::audit::record_alone(&db, Actor::system("cli"), event, now).await
                {
                    eprintln!("the failed check could not be recorded: {e}");
                }
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Audit(AuditCommand::Seal) => {
            let db = Db::connect(config.database_url.expose(), &config.database)?;
            let now = SystemClock.now();
            let pass = db
                .run(move |conn| crate::audit::seal::seal_now(conn, now))
                .await?;
            print_json(&json!({
                "sealed": pass.sealed,
                "gaps": pass.gaps,
                "waiting": pass.waiting,
                "busy": pass.busy,
            }));
            Ok(ExitCode::SUCCESS)
        }
        Command::Config(ConfigCommand::Check) => Ok(ExitCode::SUCCESS),
        Command::Client(command) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            print_json(&crate::oidc::clients::cli::run(&state, command).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys(KeysCommand::Rotate { alg }) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            let (envelope, policy, now) = (state.envelope.clone(), state.key_policy(), state.now());
            let rotation = state
                .db
                .run(move |conn| {
                    signing::rotate(conn, &envelope, &Actor::system("cli"), alg, policy, now)
                })
                .await?;
            print_json(&serde_json::to_value(&rotation).unwrap_or_default());
            Ok(ExitCode::SUCCESS)
        }
        Command::Invitation(InvitationCommand::Create {
            org,
            email,
            role,
            expires_in_hours,
        }) => {
            let spec = crate::users::invitations::InvitationSpec {
                organization: org,
                email: Email::parse(&email).map_err(AppError::BadRequest)?,
                role,
                ttl_hours: expires_in_hours.unwrap_or(config.mail.invitation_ttl_hours),
            };
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            let created = crate::users::invitations::create(
                &state,
                &Actor::system("cli"),
                spec,
                crate::mail::Locale::En,
            )
            .await?;
            print_json(&serde_json::to_value(&created).unwrap_or_default());
            if created.email_sent {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "error: the invitation email could not be sent (see mail_deliveries); share the accept_url yourself"
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Keys(KeysCommand::RotateMaster) => {
            let master = crate::keys::master::MasterKeys::from_config(&config, false)?;
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            let now = state.now();
            let rotated = state
                .db
                .run(move |conn| {
                    crate::keys::master::rotate(conn, &master, &Actor::system("cli"), now)
                })
                .await?;
            print_json(&serde_json::to_value(&rotated).unwrap_or_default());
            eprintln!(
                "every data key is wrapped by master key {}: once every instance runs with this master key, remove previous_master_key_files and previous_master_keys from their configuration",
                rotated.master_key_id
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys(KeysCommand::RotateData { resume, batch }) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            let rotation = crate::keys::rotate_data::Rotation {
                db: &state.db,
                master: &state.master,
                envelope: &state.envelope,
                clock: &state.clock,
                actor: Actor::system("cli"),
                ttl_secs: state.config.keys.data_key_cache_ttl_secs,
                batch,
            };
            let report = rotation.run(resume, &|line| eprintln!("{line}")).await?;
            print_json(&serde_json::to_value(&report).unwrap_or_default());
            if report.unreadable.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "error: {} sealed value(s) do not open and stay under the old data key, which stays 'retiring': fix or delete them, then rerun `ostiary keys rotate-data --resume`",
                    report.unreadable.len()
                );
                Ok(ExitCode::FAILURE)
            }
        }
        Command::Keys(KeysCommand::List) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            let list = state.db.run(signing::listing).await?;
            print_json(&serde_json::to_value(list).unwrap_or_default());
            Ok(ExitCode::SUCCESS)
        }
        Command::Mfa(command) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            print_json(&crate::auth::mfa::cli::run(&state, command).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Provider(command) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            let read = || read_stdin_line("client secret");
            print_json(&crate::federation::cli::run(&state, command, read).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::ApiKey(command) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            print_json(&crate::admin::cli::run(&state, command).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Org(command) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            print_json(&crate::admin::org_cli::run(&state, command).await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Webhook(command) => {
            let state = prepare_state(config, Arc::new(SystemClock)).await?;
            print_json(&crate::webhooks::cli::run(&state, command).await?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The account named by `ID|EMAIL` (a deleted one too with `deleted`,
/// by id only).
async fn find_user(
    state: &crate::state::AppState,
    user: &str,
    deleted: bool,
) -> Result<crate::store::users::User, AppError> {
    let wanted = user.trim().to_owned();
    let found = state
        .db
        .run(move |conn| {
            if wanted.contains('@') {
                let email = crate::domain::Email::parse(&wanted).map_err(AppError::BadRequest)?;
                crate::store::users::find_by_email(conn, email.as_str())
            } else {
                let id = crate::domain::UserId::from(wanted);
                crate::store::users::find_in_reach(conn, None, deleted, &id)
            }
        })
        .await?;
    found.ok_or_else(|| AppError::BadRequest(format!("no user {user:?}")))
}

fn print_listing(listing: &crate::users::accounts::UserListing) -> Result<(), AppError> {
    print_json(
        &serde_json::to_value(listing).map_err(|e| AppError::Internal(format!("json: {e}")))?,
    );
    Ok(())
}

/// `user show ID|EMAIL`
async fn user_show(config: Config, user: String) -> Result<ExitCode, AppError> {
    let state = prepare_state(config, Arc::new(SystemClock)).await?;
    let found = find_user(&state, &user, true).await?;
    let listing = state
        .db
        .run(move |conn| crate::users::accounts::listing(conn, found, None))
        .await?;
    print_listing(&listing)?;
    Ok(ExitCode::SUCCESS)
}

/// `user disable|enable|delete|restore|unlock|verify-email|reset-mfa
/// ID|EMAIL`: the same service as the admin API, with the reach of an
/// operator; prints the account (or what was deleted).
async fn user_change(
    config: Config,
    user: String,
    change: crate::users::admin::Change,
) -> Result<ExitCode, AppError> {
    use crate::users::admin::{self, Reach};
    let state = prepare_state(config, Arc::new(SystemClock)).await?;
    let id = find_user(&state, &user, change == admin::Change::Restore)
        .await?
        .id;
    let reach = Reach {
        organizations: None,
    };
    let actor = crate::audit::Actor::system("cli");
    match admin::apply(&state, &actor, reach, &id, change).await? {
        Ok(Some(listing)) => print_listing(&listing)?,
        Ok(None) => print_json(&serde_json::json!({ "deleted": id })),
        Err(refusal) => return Err(AppError::BadRequest(refusal.message().to_owned())),
    }
    Ok(ExitCode::SUCCESS)
}

fn read_password() -> Result<Password, AppError> {
    read_stdin_line("password").map(Password::new)
}

/// The first line of stdin (at most 4 KiB read), which must not be empty.
fn read_stdin_line(what: &str) -> Result<String, AppError> {
    let mut input = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut input)
        .map_err(|e| AppError::BadRequest(format!("cannot read the {what} from stdin: {e}")))?;
    let line = input.lines().next().unwrap_or_default().to_owned();
    if line.is_empty() {
        return Err(AppError::BadRequest(format!("no {what} on stdin")));
    }
    Ok(line)
}

async fn serve(config: Config) -> Result<ExitCode, AppError> {
    let issuer = config.issuer.clone();
    let app = Application::build(config, Options::default()).await?;
    let open = app.state().db.run(setup::setup_open).await?;
    tracing::info!(port = app.port(), %issuer, "Ostiary is listening");
    if app.state().mailer.is_log_only() {
        tracing::warn!("no smtp_url configured: emails are written to this log (development only)");
    }
    for name in crate::federation::ldap::sign_in::plaintext_providers(app.state()).await? {
        tracing::warn!(
            provider = %name,
            "LDAP provider allows plaintext ldap:// (--allow-plaintext): passwords cross the network unencrypted (development only)"
        );
    }
    if open {
        let base = issuer.trim_end_matches('/');
        match (
            setup::setup_token(app.state()),
            &app.state().config.setup_token,
        ) {
            // Exposed and no token configured: print the one-time link
            // (SR-86); whoever reads this log creates the first admin.
            (Some(token), None) => tracing::warn!(
                "no administrator yet: open {base}/setup?token={token} to create one (the token is required because the issuer is not a loopback address)"
            ),
            (Some(_), Some(_)) => tracing::info!(
                "no administrator yet: open {base}/setup with the configured setup_token"
            ),
            (None, _) => tracing::info!("no administrator yet: open {base}/setup to create one"),
        }
    }
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}
