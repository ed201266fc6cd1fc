//! The console's dashboard messages (keys `admin.dashboard.*`), English
//! then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    (
        "admin.dashboard.lead_global",
        "Everything in this Ostiary, at a glance.",
    ),
    (
        "admin.dashboard.lead_orgs",
        "The members of your organizations, at a glance.",
    ),
    ("admin.dashboard.numbers", "Key numbers"),
    ("admin.dashboard.stat.users", "Users"),
    ("admin.dashboard.stat.sessions", "Active sessions"),
    ("admin.dashboard.stat.sign_ins", "Sign-ins, last 24 hours"),
    (
        "admin.dashboard.stat.failures",
        "Failed sign-ins, last 24 hours",
    ),
    ("admin.dashboard.stat.mfa", "Users with a second factor"),
    ("admin.dashboard.sign_ins", "Sign-ins per hour, last 7 days"),
    (
        "admin.dashboard.sign_ins.summary",
        "In the last 7 days: {} successful and {} failed sign-ins.",
    ),
    (
        "admin.dashboard.sign_ins.busiest",
        "Busiest hour: {} UTC with {} attempts.",
    ),
    ("admin.dashboard.succeeded", "Successful"),
    ("admin.dashboard.failed", "Failed"),
    ("admin.dashboard.per_day", "Numbers per day"),
    ("admin.dashboard.day", "Day"),
    ("admin.dashboard.methods", "Sign-in methods, last 7 days"),
    (
        "admin.dashboard.methods.second_step",
        "{} of these sign-ins used a second step.",
    ),
    ("admin.dashboard.method.password", "Password"),
    ("admin.dashboard.method.passkey", "Passkey"),
    ("admin.dashboard.method.email_code", "Email code"),
    ("admin.dashboard.method.sso", "SSO provider"),
    ("admin.dashboard.method.other", "Other"),
    ("admin.dashboard.adoption", "Second-factor adoption"),
    (
        "admin.dashboard.adoption.summary",
        "{} of {} users have a second factor.",
    ),
    (
        "admin.dashboard.adoption.factors",
        "Authenticator app: {} users; passkey: {} users.",
    ),
    ("admin.dashboard.adoption.with", "With a second factor"),
    ("admin.dashboard.adoption.without", "Without"),
    (
        "admin.dashboard.new_users",
        "New users per day, last 30 days",
    ),
    (
        "admin.dashboard.new_users.summary",
        "{} new users in the last 30 days.",
    ),
    ("admin.dashboard.new_users.series", "New users"),
    (
        "admin.dashboard.capped",
        "There were too many sign-ins to count them all: the charts show the first 200,000 of this week.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    (
        "admin.dashboard.lead_global",
        "Alles in diesem Ostiary auf einen Blick.",
    ),
    (
        "admin.dashboard.lead_orgs",
        "Die Mitglieder Ihrer Organisationen auf einen Blick.",
    ),
    ("admin.dashboard.numbers", "Kennzahlen"),
    ("admin.dashboard.stat.users", "Benutzer"),
    ("admin.dashboard.stat.sessions", "Aktive Sitzungen"),
    (
        "admin.dashboard.stat.sign_ins",
        "Anmeldungen, letzte 24 Stunden",
    ),
    (
        "admin.dashboard.stat.failures",
        "Fehlgeschlagene Anmeldungen, letzte 24 Stunden",
    ),
    ("admin.dashboard.stat.mfa", "Benutzer mit zweitem Faktor"),
    (
        "admin.dashboard.sign_ins",
        "Anmeldungen pro Stunde, letzte 7 Tage",
    ),
    (
        "admin.dashboard.sign_ins.summary",
        "In den letzten 7 Tagen: {} erfolgreiche und {} fehlgeschlagene Anmeldungen.",
    ),
    (
        "admin.dashboard.sign_ins.busiest",
        "Stärkste Stunde: {} UTC mit {} Versuchen.",
    ),
    ("admin.dashboard.succeeded", "Erfolgreich"),
    ("admin.dashboard.failed", "Fehlgeschlagen"),
    ("admin.dashboard.per_day", "Zahlen pro Tag"),
    ("admin.dashboard.day", "Tag"),
    ("admin.dashboard.methods", "Anmeldemethoden, letzte 7 Tage"),
    (
        "admin.dashboard.methods.second_step",
        "{} dieser Anmeldungen nutzten einen zweiten Schritt.",
    ),
    ("admin.dashboard.method.password", "Passwort"),
    ("admin.dashboard.method.passkey", "Passkey"),
    ("admin.dashboard.method.email_code", "E-Mail-Code"),
    ("admin.dashboard.method.sso", "SSO-Anbieter"),
    ("admin.dashboard.method.other", "Andere"),
    (
        "admin.dashboard.adoption",
        "Verbreitung des zweiten Faktors",
    ),
    (
        "admin.dashboard.adoption.summary",
        "{} von {} Benutzern haben einen zweiten Faktor.",
    ),
    (
        "admin.dashboard.adoption.factors",
        "Authenticator-App: {} Benutzer; Passkey: {} Benutzer.",
    ),
    ("admin.dashboard.adoption.with", "Mit zweitem Faktor"),
    ("admin.dashboard.adoption.without", "Ohne"),
    (
        "admin.dashboard.new_users",
        "Neue Benutzer pro Tag, letzte 30 Tage",
    ),
    (
        "admin.dashboard.new_users.summary",
        "{} neue Benutzer in den letzten 30 Tagen.",
    ),
    ("admin.dashboard.new_users.series", "Neue Benutzer"),
    (
        "admin.dashboard.capped",
        "Es gab zu viele Anmeldungen, um alle zu zählen: Die Diagramme zeigen die ersten 200.000 dieser Woche.",
    ),
];
