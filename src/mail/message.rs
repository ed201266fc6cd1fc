//! The messages Ostiary sends, their English and German wording (the
//! message catalogue) and their HTML and plain-text bodies
//! (`templates/mail/message.html`, `templates/mail/message.txt`).

use askama::Template;

use crate::error::AppError;
use crate::i18n::Locale;

/// What to send.
#[derive(Debug, Clone)]
pub enum Message {
    /// A "sign in with email" code.
    SignInCode { code: String, minutes: i64 },
    /// A password reset link.
    PasswordReset { link: String, minutes: i64 },
    /// An email verification link.
    VerifyEmail { link: String, hours: i64 },
    /// Security alert: an authenticator code was entered a second time
    /// (SR-90) — someone who knows the password may have seen a code.
    TotpCodeReused { link: String, when: String },
    /// Security notice: the password was changed while signed in.
    PasswordChanged { link: String, when: String },
    /// Confirm a new address for an account (sent to the new address).
    ConfirmNewEmail {
        link: String,
        new_email: String,
        hours: i64,
    },
    /// Security notice to the old address after an email change, with a
    /// link to undo it.
    EmailChanged {
        link: String,
        new_email: String,
        days: i64,
    },
    /// Someone asked to move another account to this (taken) address.
    EmailInUse,
    /// An alert rule fired (S9, docs/alerts.md): `kind` names the rule,
    /// `subject` what it concerns; `count` of events in `window_minutes`
    /// for threshold rules.
    Alert {
        kind: String,
        subject: String,
        count: Option<i64>,
        window_minutes: i64,
        when: String,
        link: String,
    },
    /// An invitation to an organization.
    Invitation {
        link: String,
        organization: String,
        role: String,
        hours: i64,
    },
}

impl Message {
    /// Kind label for delivery records, audit and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::SignInCode { .. } => "sign_in_code",
            Self::PasswordReset { .. } => "password_reset",
            Self::VerifyEmail { .. } => "verify_email",
            Self::Invitation { .. } => "invitation",
            Self::TotpCodeReused { .. } => "totp_code_reused",
            Self::PasswordChanged { .. } => "password_changed",
            Self::ConfirmNewEmail { .. } => "confirm_new_email",
            Self::EmailChanged { .. } => "email_changed",
            Self::EmailInUse => "email_in_use",
            Self::Alert { .. } => "alert",
        }
    }
}

/// A rendered message.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Localized parts shared by both bodies.
struct Parts {
    subject: String,
    intro: String,
    code: Option<String>,
    link: Option<String>,
    link_label: String,
    outro: String,
}

#[derive(Template)]
#[template(path = "mail/message.html")]
struct HtmlBody<'a> {
    lang: &'a str,
    subject: &'a str,
    intro: &'a str,
    code: Option<&'a str>,
    link: Option<&'a str>,
    link_label: &'a str,
    outro: &'a str,
}

#[derive(Template)]
#[template(path = "mail/message.txt")]
struct TextBody<'a> {
    intro: &'a str,
    code: Option<&'a str>,
    link: Option<&'a str>,
    outro: &'a str,
}

fn parts(message: &Message, locale: Locale) -> Parts {
    use Locale::{De, En};
    match (message, locale) {
        (Message::SignInCode { code, minutes }, En) => Parts {
            subject: "Your sign-in code".into(),
            intro: format!("Enter this code to sign in. It expires in {minutes} minutes and works once."),
            code: Some(code.clone()),
            link: None,
            link_label: String::new(),
            outro: "If you did not try to sign in, you can ignore this email.".into(),
        },
        (Message::SignInCode { code, minutes }, De) => Parts {
            subject: "Ihr Anmeldecode".into(),
            intro: format!("Geben Sie diesen Code ein, um sich anzumelden. Er läuft in {minutes} Minuten ab und gilt einmal."),
            code: Some(code.clone()),
            link: None,
            link_label: String::new(),
            outro: "Wenn Sie sich nicht anmelden wollten, können Sie diese E-Mail ignorieren.".into(),
        },
        (Message::PasswordReset { link, minutes }, En) => Parts {
            subject: "Reset your password".into(),
            intro: format!("Open the link below to choose a new password. It expires in {minutes} minutes and works once."),
            code: None,
            link: Some(link.clone()),
            link_label: "Choose a new password".into(),
            outro: "If you did not ask for this, ignore this email: your password stays unchanged.".into(),
        },
        (Message::PasswordReset { link, minutes }, De) => Parts {
            subject: "Passwort zurücksetzen".into(),
            intro: format!("Öffnen Sie den Link, um ein neues Passwort zu wählen. Er läuft in {minutes} Minuten ab und gilt einmal."),
            code: None,
            link: Some(link.clone()),
            link_label: "Neues Passwort wählen".into(),
            outro: "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert.".into(),
        },
        (Message::VerifyEmail { link, hours }, En) => Parts {
            subject: "Confirm your email address".into(),
            intro: format!("Open the link below to confirm your email address. It expires in {hours} hours."),
            code: None,
            link: Some(link.clone()),
            link_label: "Confirm my email address".into(),
            outro: "If you did not create an account, ignore this email.".into(),
        },
        (Message::VerifyEmail { link, hours }, De) => Parts {
            subject: "Bestätigen Sie Ihre E-Mail-Adresse".into(),
            intro: format!("Öffnen Sie den Link, um Ihre E-Mail-Adresse zu bestätigen. Er läuft in {hours} Stunden ab."),
            code: None,
            link: Some(link.clone()),
            link_label: "E-Mail-Adresse bestätigen".into(),
            outro: "Wenn Sie kein Konto angelegt haben, ignorieren Sie diese E-Mail.".into(),
        },
        (Message::TotpCodeReused { link, when }, En) => Parts {
            subject: "Security alert: an authenticator code was reused".into(),
            intro: format!("At {when} someone signed in to your account with your password and then entered a code from your authenticator app that had already been used. The code was refused."),
            code: None,
            link: Some(link.clone()),
            link_label: "Review your sign-in & security".into(),
            outro: "If this was not you, change your password now and sign out the devices you do not recognise.".into(),
        },
        (Message::TotpCodeReused { link, when }, De) => Parts {
            subject: "Sicherheitshinweis: Ein Code aus Ihrer Authenticator-App wurde erneut verwendet".into(),
            intro: format!("Am {when} hat sich jemand mit Ihrem Passwort angemeldet und danach einen bereits verwendeten Code aus Ihrer Authenticator-App eingegeben. Der Code wurde abgelehnt."),
            code: None,
            link: Some(link.clone()),
            link_label: "Anmeldung & Sicherheit prüfen".into(),
            outro: "Wenn Sie das nicht waren, ändern Sie jetzt Ihr Passwort und melden Sie Geräte ab, die Sie nicht kennen.".into(),
        },
        (Message::PasswordChanged { link, when }, En) => Parts {
            subject: "Your password was changed".into(),
            intro: format!("The password of your account was changed at {when}. Every other device was signed out."),
            code: None,
            link: Some(link.clone()),
            link_label: "I did not do this: reset my password".into(),
            outro: "If it was you, there is nothing to do.".into(),
        },
        (Message::PasswordChanged { link, when }, De) => Parts {
            subject: "Ihr Passwort wurde geändert".into(),
            intro: format!("Das Passwort Ihres Kontos wurde am {when} geändert. Alle anderen Geräte wurden abgemeldet."),
            code: None,
            link: Some(link.clone()),
            link_label: "Das war ich nicht: Passwort zurücksetzen".into(),
            outro: "Wenn Sie es waren, ist nichts weiter zu tun.".into(),
        },
        (Message::ConfirmNewEmail { link, new_email, hours }, En) => Parts {
            subject: "Confirm your new email address".into(),
            intro: format!("Open the link below to use {new_email} for your account from now on. It expires in {hours} hours; until then your old address stays in use."),
            code: None,
            link: Some(link.clone()),
            link_label: "Use this address".into(),
            outro: "If you did not ask for this, ignore this email: nothing changes.".into(),
        },
        (Message::ConfirmNewEmail { link, new_email, hours }, De) => Parts {
            subject: "Bestätigen Sie Ihre neue E-Mail-Adresse".into(),
            intro: format!("Öffnen Sie den Link, um ab jetzt {new_email} für Ihr Konto zu verwenden. Er läuft in {hours} Stunden ab; bis dahin bleibt Ihre alte Adresse gültig."),
            code: None,
            link: Some(link.clone()),
            link_label: "Diese Adresse verwenden".into(),
            outro: "Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail: Es ändert sich nichts.".into(),
        },
        (Message::EmailChanged { link, new_email, days }, En) => Parts {
            subject: "The email address of your account was changed".into(),
            intro: format!("Your account now uses {new_email}; this address no longer signs in."),
            code: None,
            link: Some(link.clone()),
            link_label: "I did not do this: undo the change".into(),
            outro: format!("The link works for {days} days. It restores this address and signs out every device."),
        },
        (Message::EmailChanged { link, new_email, days }, De) => Parts {
            subject: "Die E-Mail-Adresse Ihres Kontos wurde geändert".into(),
            intro: format!("Ihr Konto verwendet jetzt {new_email}; mit dieser Adresse ist keine Anmeldung mehr möglich."),
            code: None,
            link: Some(link.clone()),
            link_label: "Das war ich nicht: Änderung rückgängig machen".into(),
            outro: format!("Der Link gilt {days} Tage. Er stellt diese Adresse wieder her und meldet alle Geräte ab."),
        },
        (Message::EmailInUse, En) => Parts {
            subject: "Someone tried to use your email address".into(),
            intro: "Someone asked to move another account to this email address. It already belongs to your account, so nothing changed.".into(),
            code: None,
            link: None,
            link_label: String::new(),
            outro: "If that was you, sign in with this address instead. Otherwise you can ignore this email.".into(),
        },
        (Message::EmailInUse, De) => Parts {
            subject: "Jemand wollte Ihre E-Mail-Adresse verwenden".into(),
            intro: "Jemand wollte ein anderes Konto auf diese E-Mail-Adresse umstellen. Sie gehört bereits zu Ihrem Konto, daher hat sich nichts geändert.".into(),
            code: None,
            link: None,
            link_label: String::new(),
            outro: "Wenn Sie das waren, melden Sie sich stattdessen mit dieser Adresse an. Andernfalls können Sie diese E-Mail ignorieren.".into(),
        },
        (Message::Alert { kind, subject, count, window_minutes, when, link }, lang) => {
            alert_parts(kind, subject, *count, *window_minutes, when, link, lang)
        }
        (Message::Invitation { link, organization, role, hours }, En) => Parts {
            subject: format!("You are invited to join {organization}"),
            intro: format!("You have been invited to join {organization} as {role}. The invitation expires in {hours} hours."),
            code: None,
            link: Some(link.clone()),
            link_label: "Accept the invitation".into(),
            outro: "If you do not expect this invitation, ignore this email.".into(),
        },
        (Message::Invitation { link, organization, role, hours }, De) => Parts {
            subject: format!("Einladung zu {organization}"),
            intro: format!("Sie wurden eingeladen, {organization} als {role} beizutreten. Die Einladung läuft in {hours} Stunden ab."),
            code: None,
            link: Some(link.clone()),
            link_label: "Einladung annehmen".into(),
            outro: "Wenn Sie diese Einladung nicht erwarten, ignorieren Sie diese E-Mail.".into(),
        },
    }
}

/// What an alert of `kind` says, in English and German.
fn alert_title(kind: &str, lang: Locale) -> &'static str {
    use Locale::{De, En};
    match (kind, lang) {
        ("failed_signins_account", En) => "Repeated failed sign-ins for one account",
        ("failed_signins_account", De) => "Wiederholt fehlgeschlagene Anmeldungen für ein Konto",
        ("failed_signins_ip", En) => "Repeated failed sign-ins from one address",
        ("failed_signins_ip", De) => "Wiederholt fehlgeschlagene Anmeldungen von einer Adresse",
        ("new_admin", En) => "A new superuser or organization admin",
        ("new_admin", De) => "Ein neuer Superuser oder Organisations-Admin",
        ("mfa_removed", En) => "A second factor was removed",
        ("mfa_removed", De) => "Ein zweiter Faktor wurde entfernt",
        ("api_key_new_ip", En) => "An API key was used from a new address",
        ("api_key_new_ip", De) => "Ein API-Schlüssel wurde von einer neuen Adresse benutzt",
        ("signing_key_rotated", En) => "A signing key was rotated",
        ("signing_key_rotated", De) => "Ein Signaturschlüssel wurde rotiert",
        ("audit_verify_failed", En) => "Audit log verification failed",
        ("audit_verify_failed", De) => "Die Prüfung des Audit-Logs ist fehlgeschlagen",
        (_, En) => "Security alert",
        (_, De) => "Sicherheitswarnung",
    }
}

fn alert_parts(
    kind: &str,
    subject: &str,
    count: Option<i64>,
    window_minutes: i64,
    when: &str,
    link: &str,
    lang: Locale,
) -> Parts {
    let title = alert_title(kind, lang);
    let (intro, label, outro) = match lang {
        Locale::En => (
            match count {
                Some(n) => format!(
                    "{title}: {n} events in {window_minutes} minutes, concerning {subject}, the last at {when}."
                ),
                None => format!("{title}: concerning {subject}, at {when}."),
            },
            "Open the alerts",
            "The audit log has the details. You receive this email because you are a recipient of this alert rule.",
        ),
        Locale::De => (
            match count {
                Some(n) => format!(
                    "{title}: {n} Ereignisse in {window_minutes} Minuten, betrifft {subject}, zuletzt um {when}."
                ),
                None => format!("{title}: betrifft {subject}, um {when}."),
            },
            "Warnungen öffnen",
            "Die Einzelheiten stehen im Audit-Log. Sie erhalten diese E-Mail als Empfänger dieser Warnregel.",
        ),
    };
    Parts {
        subject: format!("[Ostiary] {title}"),
        intro,
        code: None,
        link: Some(link.to_owned()),
        link_label: label.into(),
        outro: outro.into(),
    }
}

/// Render `message` in `locale`.
pub fn render(message: &Message, locale: Locale) -> Result<Rendered, AppError> {
    let p = parts(message, locale);
    let html = HtmlBody {
        lang: locale.tag(),
        subject: &p.subject,
        intro: &p.intro,
        code: p.code.as_deref(),
        link: p.link.as_deref(),
        link_label: &p.link_label,
        outro: &p.outro,
    }
    .render()?;
    let text = TextBody {
        intro: &p.intro,
        code: p.code.as_deref(),
        link: p.link.as_deref(),
        outro: &p.outro,
    }
    .render()?;
    Ok(Rendered {
        subject: p.subject,
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_both_languages_and_escapes_html() {
        let m = Message::Invitation {
            link: "https://idp.example/invitation?token=a&b".into(),
            organization: "<Acme>".into(),
            role: "member".into(),
            hours: 168,
        };
        let en = render(&m, Locale::En).unwrap();
        assert!(en.subject.contains("<Acme>"));
        assert!(!en.html.contains("<Acme>"), "escaped: {}", en.html);
        assert!(en.text.contains("https://idp.example/invitation?token=a&b"));
        let de = render(&m, Locale::De).unwrap();
        assert!(de.html.contains("lang=\"de\"") && de.text.contains("Einladung"));
    }
}
