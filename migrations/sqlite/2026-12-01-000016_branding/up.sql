-- Branding of an organization's hosted pages (S8): a display name, a logo
-- (PNG, JPEG or WebP as detected from its bytes, at most 256 KiB) and two
-- colours, only ever `#rrggbb` (they are written into a stylesheet).
CREATE TABLE organization_branding (
    organization_id TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    display_name TEXT,
    primary_color TEXT CHECK (primary_color IS NULL OR (length(primary_color) = 7
        AND primary_color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')),
    accent_color TEXT CHECK (accent_color IS NULL OR (length(accent_color) = 7
        AND accent_color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]')),
    logo BLOB CHECK (logo IS NULL OR length(logo) <= 262144),
    logo_type TEXT CHECK (logo_type IS NULL OR logo_type IN ('image/png', 'image/jpeg', 'image/webp')),
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT,
    CHECK ((logo IS NULL) = (logo_type IS NULL))
);
