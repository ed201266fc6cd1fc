//! The console's messages for a provider's group → role rules (keys
//! `admin.providers.group_roles*`), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    ("admin.providers.group_roles_title", "Group → role rules"),
    ("admin.providers.group_roles", "Rules"),
    (
        "admin.providers.group_roles_hint",
        "One rule a line: group = organization:role, e.g. admins = Acme:admin. Only listed groups grant anything; the strongest role wins. Group names are compared exactly. Roles: owner, admin, auditor, member. Memberships a person granted are never changed.",
    ),
    ("admin.providers.group_roles_line", "Line {}:"),
    (
        "admin.providers.invalid.group_roles",
        "Check the rules: one a line, group = organization:role.",
    ),
    (
        "admin.providers.group_roles.syntax",
        "write it as group = organization:role.",
    ),
    (
        "admin.providers.group_roles.group",
        "the group must be 1 to 256 characters, without control characters.",
    ),
    (
        "admin.providers.group_roles.unknown_organization",
        "no organization has this name.",
    ),
    (
        "admin.providers.group_roles.out_of_reach",
        "this is not an organization you administer.",
    ),
    (
        "admin.providers.group_roles.role",
        "the role must be owner, admin, auditor or member.",
    ),
    (
        "admin.providers.group_roles.superuser",
        "superuser is not an organization role: no rule grants it.",
    ),
    (
        "admin.providers.group_roles.owner",
        "only a superuser grants owner by a rule.",
    ),
    (
        "admin.providers.group_roles.duplicate",
        "this group and organization have a rule already.",
    ),
    ("admin.providers.group_roles.too_many", "At most 100 rules."),
    (
        "admin.providers.group_roles.kept",
        "A rule into an organization you do not administer, or granting owner, can only be changed or removed by a superuser.",
    ),
];

/// German.
pub const DE: &[(&str, &str)] = &[
    ("admin.providers.group_roles_title", "Regeln Gruppe → Rolle"),
    ("admin.providers.group_roles", "Regeln"),
    (
        "admin.providers.group_roles_hint",
        "Eine Regel pro Zeile: Gruppe = Organisation:Rolle, z. B. admins = Acme:admin. Nur aufgeführte Gruppen gewähren etwas; die stärkste Rolle gilt. Gruppennamen werden exakt verglichen. Rollen: owner, admin, auditor, member. Von Personen vergebene Mitgliedschaften bleiben unverändert.",
    ),
    ("admin.providers.group_roles_line", "Zeile {}:"),
    (
        "admin.providers.invalid.group_roles",
        "Prüfen Sie die Regeln: eine pro Zeile, Gruppe = Organisation:Rolle.",
    ),
    (
        "admin.providers.group_roles.syntax",
        "schreiben Sie sie als Gruppe = Organisation:Rolle.",
    ),
    (
        "admin.providers.group_roles.group",
        "die Gruppe muss 1 bis 256 Zeichen lang sein, ohne Steuerzeichen.",
    ),
    (
        "admin.providers.group_roles.unknown_organization",
        "keine Organisation hat diesen Namen.",
    ),
    (
        "admin.providers.group_roles.out_of_reach",
        "diese Organisation verwalten Sie nicht.",
    ),
    (
        "admin.providers.group_roles.role",
        "die Rolle muss owner, admin, auditor oder member sein.",
    ),
    (
        "admin.providers.group_roles.superuser",
        "superuser ist keine Rolle in einer Organisation: keine Regel vergibt sie.",
    ),
    (
        "admin.providers.group_roles.owner",
        "nur ein Superuser vergibt owner per Regel.",
    ),
    (
        "admin.providers.group_roles.duplicate",
        "für diese Gruppe und Organisation gibt es schon eine Regel.",
    ),
    (
        "admin.providers.group_roles.too_many",
        "Höchstens 100 Regeln.",
    ),
    (
        "admin.providers.group_roles.kept",
        "Eine Regel in eine Organisation, die Sie nicht verwalten, oder eine, die owner vergibt, kann nur ein Superuser ändern oder entfernen.",
    ),
];
