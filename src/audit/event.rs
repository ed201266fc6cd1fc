//! What an audit record says: who (the [`Actor`]), what ([`Action`]), to
//! what, with which outcome.

use serde_json::Value;

/// Kind of actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    /// Someone not signed in (a login attempt, setup).
    Anonymous,
    /// A signed-in user.
    User,
    /// Ostiary itself or an operator at the CLI.
    System,
    /// An admin-API key (its id is the actor id).
    ApiKey,
    /// An OAuth client acting on its own authority: at a protocol endpoint
    /// (its client id is the actor id, e.g. a token exchange), or managing
    /// its own registration (RFC 7591 / 7592), where the actor id is
    /// `registration_token:<id>` (the initial access token it registered
    /// with) or `client:<client_id>` (its registration access token).
    Client,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::User => "user",
            Self::System => "system",
            Self::ApiKey => "api_key",
            Self::Client => "client",
        }
    }
}

/// Who caused a change, and from where.
#[derive(Debug, Clone)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: Option<String>,
    pub session_id: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// A support (vendor) key's declared user and ticket (S8): recorded in
    /// every audit record the actor makes.
    pub vendor: Option<VendorClaim>,
}

/// What a vendor key says it acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorClaim {
    pub actor_user_id: String,
    pub ticket_reference: String,
}

impl Actor {
    /// An operator or Ostiary itself; `origin` says which (e.g. `cli`).
    pub fn system(origin: &str) -> Self {
        Self {
            kind: ActorKind::System,
            id: Some(origin.to_owned()),
            session_id: None,
            request_id: None,
            ip: None,
            user_agent: None,
            vendor: None,
        }
    }

    /// The same request context, now acting as the OAuth client `client_id`.
    pub fn as_client(&self, client_id: &str) -> Self {
        Self {
            kind: ActorKind::Client,
            id: Some(client_id.to_owned()),
            session_id: None,
            ..self.clone()
        }
    }

    /// The same request context, now acting as `user_id` in `session_id`.
    pub fn as_user(&self, user_id: &str, session_id: Option<&str>) -> Self {
        Self {
            kind: ActorKind::User,
            id: Some(user_id.to_owned()),
            session_id: session_id.map(str::to_owned),
            ..self.clone()
        }
    }
}

/// The closed set of audited actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SetupCompleted,
    UserCreated,
    UserProvisioned,
    IdentityLinked,
    IdentityUnlinked,
    ApiKeyCreated,
    UserDisabled,
    UserEnabled,
    ApiKeyRevoked,
    ApiKeyRotated,
    FederatedLoginRefused,
    UserDeleted,
    OrganizationCreated,
    LoginSucceeded,
    LoginFailed,
    LoginLocked,
    Logout,
    SessionRevoked,
    SignOutAll,
    KeyCreated,
    KeyRotated,
    ClientCreated,
    ProviderCreated,
    ProviderUpdated,
    ProviderDeleted,
    TokenIssued,
    TokenRevoked,
    /// A client exchanged a user's access token for another (RFC 8693).
    TokenExchanged,
    CodeReuseDetected,
    RefreshReuseDetected,
    ConsentGranted,
    ConsentRevoked,
    ConsentDenied,
    DeviceCodeApproved,
    BackchannelLogoutFailed,
    AuthorizationFailed,
    MfaChallenged,
    MfaVerified,
    MfaFailed,
    MfaLocked,
    MfaEnrolled,
    MfaRemoved,
    BackupCodesGenerated,
    BackupCodeUsed,
    MfaPolicyChanged,
    MfaUpstreamAcknowledged,
    PasskeyRegistered,
    PasskeyRemoved,
    PasskeyVerified,
    PasskeyRejected,
    MailSent,
    MailFailed,
    EmailCodeIssued,
    EmailCodeUsed,
    EmailCodeFailed,
    PasswordResetRequested,
    PasswordResetCompleted,
    EmailVerificationSent,
    EmailVerified,
    InvitationCreated,
    InvitationAccepted,
    InvitationExpired,
    PasswordConfirmFailed,
    PasswordChanged,
    EmailChangeRequested,
    EmailChanged,
    EmailChangeReported,
    ProfileUpdated,
    AccountSwitched,
    ClientUpdated,
    ClientSecretRotated,
    ClientDeleted,
    ClientRestored,
    ProviderRestored,
    /// A SAML provider's IdP metadata was fetched again and had changed.
    ProviderMetadataRefreshed,
    /// A refresh failed or named another entity id: the old one is kept.
    ProviderMetadataRefreshFailed,
    UserUpdated,
    UserRestored,
    UserUnlocked,
    UserEmailVerifiedByAdmin,
    UserMfaReset,
    OrganizationUpdated,
    OrganizationDeleted,
    OrganizationRestored,
    MembershipAdded,
    MembershipChanged,
    MembershipRemoved,
    BrandingUpdated,
    BrandingLogoChanged,
    BrandingLogoRemoved,
    AuditVerified,
    AuditExported,
    AuditCheckpointed,
    MasterKeyRewrapped,
    MasterKeyUnwrapFailed,
    DataKeyStaged,
    DataKeyActivated,
    DataKeyReencrypted,
    DataKeyRetired,
    InvitationRevoked,
    WebhookCreated,
    WebhookUpdated,
    WebhookDeleted,
    WebhookSecretRotated,
    WebhookReplayed,
    /// An alert rule fired (S9, docs/alerts.md).
    AlertFired,
    /// An alert rule's settings changed.
    AlertRuleUpdated,
    /// An API key was used from an address it had not been used from.
    ApiKeyNewIp,
    /// A client registered itself (RFC 7591).
    ClientRegistered,
    /// An administrator issued an initial access token for registration.
    RegistrationTokenCreated,
    /// An initial access token was revoked.
    RegistrationTokenRevoked,
}

impl Action {
    /// Every action (webhook event types are checked against them).
    pub const ALL: &[Action] = &[
        Self::SetupCompleted,
        Self::UserCreated,
        Self::UserProvisioned,
        Self::IdentityLinked,
        Self::IdentityUnlinked,
        Self::ApiKeyCreated,
        Self::UserDisabled,
        Self::UserEnabled,
        Self::ApiKeyRevoked,
        Self::ApiKeyRotated,
        Self::FederatedLoginRefused,
        Self::UserDeleted,
        Self::OrganizationCreated,
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::LoginLocked,
        Self::Logout,
        Self::SessionRevoked,
        Self::SignOutAll,
        Self::KeyCreated,
        Self::KeyRotated,
        Self::ClientCreated,
        Self::ProviderCreated,
        Self::ProviderUpdated,
        Self::ProviderDeleted,
        Self::TokenIssued,
        Self::TokenRevoked,
        Self::TokenExchanged,
        Self::CodeReuseDetected,
        Self::RefreshReuseDetected,
        Self::ConsentGranted,
        Self::ConsentRevoked,
        Self::ConsentDenied,
        Self::DeviceCodeApproved,
        Self::BackchannelLogoutFailed,
        Self::AuthorizationFailed,
        Self::MfaChallenged,
        Self::MfaVerified,
        Self::MfaFailed,
        Self::MfaLocked,
        Self::MfaEnrolled,
        Self::MfaRemoved,
        Self::BackupCodesGenerated,
        Self::BackupCodeUsed,
        Self::MfaPolicyChanged,
        Self::MfaUpstreamAcknowledged,
        Self::PasskeyRegistered,
        Self::PasskeyRemoved,
        Self::PasskeyVerified,
        Self::PasskeyRejected,
        Self::MailSent,
        Self::MailFailed,
        Self::EmailCodeIssued,
        Self::EmailCodeUsed,
        Self::EmailCodeFailed,
        Self::PasswordResetRequested,
        Self::PasswordResetCompleted,
        Self::EmailVerificationSent,
        Self::EmailVerified,
        Self::InvitationCreated,
        Self::InvitationAccepted,
        Self::InvitationExpired,
        Self::PasswordConfirmFailed,
        Self::PasswordChanged,
        Self::EmailChangeRequested,
        Self::EmailChanged,
        Self::EmailChangeReported,
        Self::ProfileUpdated,
        Self::AccountSwitched,
        Self::ClientUpdated,
        Self::ClientSecretRotated,
        Self::ClientDeleted,
        Self::ClientRestored,
        Self::ProviderRestored,
        Self::UserUpdated,
        Self::UserRestored,
        Self::UserUnlocked,
        Self::UserEmailVerifiedByAdmin,
        Self::UserMfaReset,
        Self::OrganizationUpdated,
        Self::OrganizationDeleted,
        Self::OrganizationRestored,
        Self::MembershipAdded,
        Self::MembershipChanged,
        Self::MembershipRemoved,
        Self::BrandingUpdated,
        Self::BrandingLogoChanged,
        Self::BrandingLogoRemoved,
        Self::AuditVerified,
        Self::AuditExported,
        Self::AuditCheckpointed,
        Self::MasterKeyRewrapped,
        Self::MasterKeyUnwrapFailed,
        Self::DataKeyStaged,
        Self::DataKeyActivated,
        Self::DataKeyReencrypted,
        Self::DataKeyRetired,
        Self::InvitationRevoked,
        Self::WebhookCreated,
        Self::WebhookUpdated,
        Self::WebhookDeleted,
        Self::WebhookSecretRotated,
        Self::WebhookReplayed,
        Self::AlertFired,
        Self::AlertRuleUpdated,
        Self::ApiKeyNewIp,
        Self::ClientRegistered,
        Self::RegistrationTokenCreated,
        Self::RegistrationTokenRevoked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SetupCompleted => "setup.completed",
            Self::UserCreated => "user.created",
            Self::UserProvisioned => "user.provisioned",
            Self::IdentityLinked => "identity.linked",
            Self::IdentityUnlinked => "identity.unlinked",
            Self::ApiKeyCreated => "api_key.created",
            Self::UserDisabled => "user.disabled",
            Self::UserEnabled => "user.enabled",
            Self::ApiKeyRevoked => "api_key.revoked",
            Self::ApiKeyRotated => "api_key.rotated",
            Self::FederatedLoginRefused => "login.federated_refused",
            Self::UserDeleted => "user.deleted",
            Self::OrganizationCreated => "organization.created",
            Self::LoginSucceeded => "login.success",
            Self::LoginFailed => "login.failure",
            Self::LoginLocked => "login.locked",
            Self::Logout => "session.logout",
            Self::SessionRevoked => "session.revoked",
            Self::SignOutAll => "session.revoke_all",
            Self::KeyCreated => "key.created",
            Self::KeyRotated => "key.rotated",
            Self::ClientCreated => "client.created",
            Self::ProviderCreated => "provider.created",
            Self::ProviderUpdated => "provider.updated",
            Self::ProviderDeleted => "provider.deleted",
            Self::TokenIssued => "token.issued",
            Self::TokenRevoked => "token.revoked",
            Self::TokenExchanged => "token.exchanged",
            Self::CodeReuseDetected => "token.code_reuse_detected",
            Self::RefreshReuseDetected => "token.refresh_reuse_detected",
            Self::ConsentGranted => "consent.granted",
            Self::ConsentRevoked => "consent.revoked",
            Self::ConsentDenied => "consent.denied",
            Self::DeviceCodeApproved => "device_code.approved",
            Self::BackchannelLogoutFailed => "logout.backchannel_failed",
            Self::AuthorizationFailed => "authorization.failed",
            Self::MfaChallenged => "mfa.challenged",
            Self::MfaVerified => "mfa.verified",
            Self::MfaFailed => "mfa.failed",
            Self::MfaLocked => "mfa.locked",
            Self::MfaEnrolled => "mfa.enrolled",
            Self::MfaRemoved => "mfa.removed",
            Self::BackupCodesGenerated => "mfa.backup_codes_generated",
            Self::BackupCodeUsed => "mfa.backup_code_used",
            Self::MfaPolicyChanged => "mfa.policy_changed",
            Self::MfaUpstreamAcknowledged => "mfa.upstream_acknowledged",
            Self::PasskeyRegistered => "passkey.registered",
            Self::PasskeyRemoved => "passkey.removed",
            Self::PasskeyVerified => "passkey.verified",
            Self::PasskeyRejected => "passkey.rejected",
            Self::MailSent => "mail.sent",
            Self::MailFailed => "mail.failed",
            Self::EmailCodeIssued => "email_code.issued",
            Self::EmailCodeUsed => "email_code.used",
            Self::EmailCodeFailed => "email_code.failed",
            Self::PasswordResetRequested => "password_reset.requested",
            Self::PasswordResetCompleted => "password_reset.completed",
            Self::EmailVerificationSent => "email_verification.sent",
            Self::EmailVerified => "email_verification.verified",
            Self::InvitationCreated => "invitation.created",
            Self::InvitationAccepted => "invitation.accepted",
            Self::InvitationExpired => "invitation.expired",
            Self::PasswordConfirmFailed => "password.confirm_failed",
            Self::PasswordChanged => "password.changed",
            Self::EmailChangeRequested => "email_change.requested",
            Self::EmailChanged => "email_change.completed",
            Self::EmailChangeReported => "email_change.reported",
            Self::ProfileUpdated => "user.profile_updated",
            Self::AccountSwitched => "session.switched",
            Self::ClientUpdated => "client.updated",
            Self::ClientSecretRotated => "client.secret_rotated",
            Self::ClientDeleted => "client.deleted",
            Self::ClientRestored => "client.restored",
            Self::ProviderRestored => "provider.restored",
            Self::ProviderMetadataRefreshed => "provider.metadata_refreshed",
            Self::ProviderMetadataRefreshFailed => "provider.metadata_refresh_failed",
            Self::UserUpdated => "user.updated",
            Self::UserRestored => "user.restored",
            Self::UserUnlocked => "user.unlocked",
            Self::UserEmailVerifiedByAdmin => "user.email_verified",
            Self::UserMfaReset => "user.mfa_reset",
            Self::OrganizationUpdated => "organization.updated",
            Self::OrganizationDeleted => "organization.deleted",
            Self::OrganizationRestored => "organization.restored",
            Self::MembershipAdded => "membership.added",
            Self::MembershipChanged => "membership.changed",
            Self::MembershipRemoved => "membership.removed",
            Self::BrandingUpdated => "branding.updated",
            Self::BrandingLogoChanged => "branding.logo_changed",
            Self::BrandingLogoRemoved => "branding.logo_removed",
            Self::AuditVerified => "audit.verified",
            Self::AuditExported => "audit.exported",
            Self::AuditCheckpointed => "audit.checkpointed",
            Self::MasterKeyRewrapped => "key.master_rewrapped",
            Self::MasterKeyUnwrapFailed => "key.master_unwrap_failed",
            Self::DataKeyStaged => "key.data_staged",
            Self::DataKeyActivated => "key.data_activated",
            Self::DataKeyReencrypted => "key.data_reencrypted",
            Self::DataKeyRetired => "key.data_retired",
            Self::InvitationRevoked => "invitation.revoked",
            Self::WebhookCreated => "webhook.created",
            Self::WebhookUpdated => "webhook.updated",
            Self::WebhookDeleted => "webhook.deleted",
            Self::WebhookSecretRotated => "webhook.secret_rotated",
            Self::WebhookReplayed => "webhook.replayed",
            Self::AlertFired => "alert.fired",
            Self::AlertRuleUpdated => "alert_rule.updated",
            Self::ApiKeyNewIp => "api_key.new_ip",
            Self::ClientRegistered => "client.registered",
            Self::RegistrationTokenCreated => "registration_token.created",
            Self::RegistrationTokenRevoked => "registration_token.revoked",
        }
    }
}

/// Success or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }
}

/// One audited fact. `details` never holds secrets.
#[derive(Debug, Clone)]
pub struct Event {
    pub action: Action,
    pub outcome: Outcome,
    pub target: Option<(&'static str, String)>,
    pub organization_id: Option<String>,
    pub details: Value,
}

impl Event {
    pub fn new(action: Action, outcome: Outcome) -> Self {
        Self {
            action,
            outcome,
            target: None,
            organization_id: None,
            details: Value::Object(serde_json::Map::new()),
        }
    }

    pub fn target(mut self, kind: &'static str, id: impl Into<String>) -> Self {
        self.target = Some((kind, id.into()));
        self
    }

    pub fn organization(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}
