//! The console's branding messages (keys `admin.branding.*`, and the
//! branding notices and errors), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    (
        "admin.branding.lead",
        "How the sign-in pages of each organization's applications look: its name or logo, and its colours.",
    ),
    (
        "admin.branding.no_organizations",
        "There are no organizations to brand yet.",
    ),
    ("admin.branding.organization", "Organization"),
    ("admin.branding.display_name", "Display name"),
    ("admin.branding.logo", "Logo"),
    ("admin.branding.logo_of", "Logo of {}"),
    ("admin.branding.no_logo", "No logo"),
    ("admin.branding.colours", "Colours"),
    ("admin.branding.default_colours", "Ostiary's colours"),
    ("admin.branding.actions", "Actions"),
    ("admin.branding.edit", "Edit"),
    ("admin.branding.view", "View"),
    ("admin.branding.title", "Branding of {}"),
    (
        "admin.branding.edit_lead",
        "Shown on the sign-in, consent and sign-out pages of this organization's applications.",
    ),
    ("admin.branding.look", "Name and colours"),
    (
        "admin.branding.display_name_hint",
        "Shown when there is no logo. Empty: nothing is shown.",
    ),
    ("admin.branding.primary", "Primary colour"),
    (
        "admin.branding.primary_hint",
        "Buttons and links, as #rrggbb (e.g. #2f5bd8). Adjusted where needed so text stays readable in light and dark mode.",
    ),
    ("admin.branding.accent", "Accent colour"),
    (
        "admin.branding.accent_hint",
        "The stripe above the sign-in card, as #rrggbb. Empty: the primary colour.",
    ),
    ("admin.branding.upload_logo", "Upload a logo"),
    ("admin.branding.replace_logo", "Replace the logo"),
    (
        "admin.branding.logo_hint",
        "PNG, JPEG or WebP, at most {} KiB. A wide logo on a transparent or white background works best.",
    ),
    ("admin.branding.upload", "Upload"),
    ("admin.branding.remove_logo", "Remove logo…"),
    (
        "admin.branding.remove_logo_confirm",
        "Remove the logo? The sign-in pages show the display name instead.",
    ),
    ("admin.branding.remove_logo_now", "Yes, remove"),
    (
        "admin.branding.error.display_name",
        "Enter at most 100 characters, or leave it empty.",
    ),
    (
        "admin.branding.error.colour",
        "Enter a colour as # and six hexadecimal digits (e.g. #2f5bd8), or leave it empty.",
    ),
    ("admin.notice.branding_saved", "Branding saved."),
    ("admin.notice.logo_saved", "Logo uploaded."),
    ("admin.notice.logo_removed", "Logo removed."),
    (
        "admin.error.logo_too_large",
        "That file is too large: a logo may be at most 256 KiB.",
    ),
    (
        "admin.error.logo_type",
        "That file is not a PNG, JPEG or WebP image (SVG is not accepted).",
    ),
    (
        "admin.error.logo_missing",
        "Choose an image file to upload.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    (
        "admin.branding.lead",
        "Wie die Anmeldeseiten der Anwendungen jeder Organisation aussehen: Name oder Logo und Farben.",
    ),
    (
        "admin.branding.no_organizations",
        "Es gibt noch keine Organisationen.",
    ),
    ("admin.branding.organization", "Organisation"),
    ("admin.branding.display_name", "Anzeigename"),
    ("admin.branding.logo", "Logo"),
    ("admin.branding.logo_of", "Logo von {}"),
    ("admin.branding.no_logo", "Kein Logo"),
    ("admin.branding.colours", "Farben"),
    ("admin.branding.default_colours", "Farben von Ostiary"),
    ("admin.branding.actions", "Aktionen"),
    ("admin.branding.edit", "Bearbeiten"),
    ("admin.branding.view", "Ansehen"),
    ("admin.branding.title", "Erscheinungsbild von {}"),
    (
        "admin.branding.edit_lead",
        "Erscheint auf den Anmelde-, Zustimmungs- und Abmeldeseiten der Anwendungen dieser Organisation.",
    ),
    ("admin.branding.look", "Name und Farben"),
    (
        "admin.branding.display_name_hint",
        "Wird gezeigt, wenn es kein Logo gibt. Leer: Es wird nichts gezeigt.",
    ),
    ("admin.branding.primary", "Hauptfarbe"),
    (
        "admin.branding.primary_hint",
        "Schaltflächen und Links, als #rrggbb (z. B. #2f5bd8). Wo nötig angepasst, damit Text im hellen und dunklen Modus lesbar bleibt.",
    ),
    ("admin.branding.accent", "Akzentfarbe"),
    (
        "admin.branding.accent_hint",
        "Der Streifen über der Anmeldekarte, als #rrggbb. Leer: die Hauptfarbe.",
    ),
    ("admin.branding.upload_logo", "Logo hochladen"),
    ("admin.branding.replace_logo", "Logo ersetzen"),
    (
        "admin.branding.logo_hint",
        "PNG, JPEG oder WebP, höchstens {} KiB. Am besten wirkt ein breites Logo auf transparentem oder weißem Grund.",
    ),
    ("admin.branding.upload", "Hochladen"),
    ("admin.branding.remove_logo", "Logo entfernen…"),
    (
        "admin.branding.remove_logo_confirm",
        "Logo entfernen? Die Anmeldeseiten zeigen dann den Anzeigenamen.",
    ),
    ("admin.branding.remove_logo_now", "Ja, entfernen"),
    (
        "admin.branding.error.display_name",
        "Bitte geben Sie höchstens 100 Zeichen ein oder lassen Sie das Feld leer.",
    ),
    (
        "admin.branding.error.colour",
        "Bitte geben Sie eine Farbe als # und sechs Hexadezimalziffern ein (z. B. #2f5bd8) oder lassen Sie das Feld leer.",
    ),
    (
        "admin.notice.branding_saved",
        "Erscheinungsbild gespeichert.",
    ),
    ("admin.notice.logo_saved", "Logo hochgeladen."),
    ("admin.notice.logo_removed", "Logo entfernt."),
    (
        "admin.error.logo_too_large",
        "Die Datei ist zu groß: Ein Logo darf höchstens 256 KiB groß sein.",
    ),
    (
        "admin.error.logo_type",
        "Die Datei ist kein PNG-, JPEG- oder WebP-Bild (SVG wird nicht angenommen).",
    ),
    (
        "admin.error.logo_missing",
        "Bitte wählen Sie eine Bilddatei zum Hochladen.",
    ),
];
