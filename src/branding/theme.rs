//! Brand colours and the stylesheet made from them. A colour is accepted
//! only as `#rrggbb` and kept as three bytes, so nothing but six hex
//! digits ever reaches the CSS (the pages' CSP forbids inline styles; the
//! theme is a stylesheet of its own). Each colour is adjusted for light
//! and dark mode until text on it and it on the page stay readable
//! (WCAG contrast 4.5:1).

use std::fmt;

/// A colour, `#rrggbb`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour([u8; 3]);

impl Colour {
    /// `#rrggbb` (either case), nothing else.
    pub fn parse(raw: &str) -> Option<Self> {
        let hex = raw.trim().strip_prefix('#')?;
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// WCAG relative luminance.
    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let [r, g, b] = self.0;
        0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    }

    /// WCAG contrast ratio with `other`.
    fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// `self` moved `share` (0–1) of the way to `towards`.
    fn mix(self, towards: Colour, share: f64) -> Colour {
        let blend = |a: u8, b: u8| {
            let v = f64::from(a) + (f64::from(b) - f64::from(a)) * share;
            // In 0..=255 by construction.
            v.round().clamp(0.0, 255.0) as u8
        };
        Colour([
            blend(self.0[0], towards.0[0]),
            blend(self.0[1], towards.0[1]),
            blend(self.0[2], towards.0[2]),
        ])
    }

    /// The nearest colour, towards `towards`, readable on `page`.
    fn readable_on(self, page: Colour, towards: Colour) -> Colour {
        (0..=10)
            .map(|step| self.mix(towards, f64::from(step) / 10.0))
            .find(|c| c.contrast(page) >= 4.5)
            .unwrap_or(towards)
    }

    /// Black-ish or white text, whichever reads better on `self`.
    fn text_on(self) -> Colour {
        if self.contrast(WHITE) >= self.contrast(INK) {
            WHITE
        } else {
            INK
        }
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

const WHITE: Colour = Colour([0xff, 0xff, 0xff]);
const BLACK: Colour = Colour([0, 0, 0]);
/// The text colour of the light theme (`--text`).
const INK: Colour = Colour([0x11, 0x18, 0x27]);
/// The light and dark themes' surfaces (`--surface`).
const LIGHT_SURFACE: Colour = WHITE;
const DARK_SURFACE: Colour = Colour([0x17, 0x1c, 0x24]);

/// The variables of one colour scheme.
fn scheme(css: &mut String, primary: Colour, accent: Colour, page: Colour, lift: Colour) {
    let primary = primary.readable_on(page, lift);
    let hover = primary.mix(lift, 0.18);
    css.push_str(&format!(
        "  --primary: {primary};\n  --primary-hover: {hover};\n  --primary-text: {text};\n  --brand-accent: {accent};\n",
        text = primary.text_on(),
    ));
}

/// The stylesheet of a brand: `primary` for buttons and links, `accent`
/// for the stripe above the page's card (the primary colour when none),
/// as given: it carries no text.
pub fn stylesheet(primary: Option<Colour>, accent: Option<Colour>) -> String {
    let mut css = String::from("/* Ostiary: an organization's branding (generated). */\n");
    let Some(base) = primary.or(accent) else {
        return css;
    };
    let primary = primary.unwrap_or(base);
    let accent = accent.unwrap_or(base);
    css.push_str(":root {\n");
    scheme(&mut css, primary, accent, LIGHT_SURFACE, BLACK);
    css.push_str("}\n@media (prefers-color-scheme: dark) {\n:root {\n");
    scheme(&mut css, primary, accent, DARK_SURFACE, WHITE);
    css.push_str("}\n}\n");
    css.push_str(".card { border-top: 4px solid var(--brand-accent); }\n");
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_six_hex_digits_are_colours() {
        assert_eq!(Colour::parse("#2F5bd8").unwrap().to_string(), "#2f5bd8");
        for bad in [
            "",
            "#",
            "#fff",
            "2f5bd8",
            "#2f5bd8f",
            "#2f5bdg",
            "red",
            "#2f5bd8;}body{",
            " #12345 ",
            "#１２３４５６",
        ] {
            assert!(Colour::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_stylesheet_holds_only_computed_colours_and_stays_readable() {
        assert!(!stylesheet(None, None).contains(":root"));
        let yellow = Colour::parse("#ffe14d").unwrap();
        let navy = Colour::parse("#0b1f4d").unwrap();
        let css = stylesheet(Some(yellow), Some(navy));
        assert!(css.contains("--brand-accent: #0b1f4d"), "{css}");
        // Yellow cannot be a light-mode link colour as it is: darkened,
        // with white text; on the dark surface it reads as it is.
        let (light, dark_css) = css.split_once("@media").unwrap();
        assert!(!light.contains("--primary: #ffe14d;"), "{css}");
        assert!(light.contains("--primary-text: #ffffff;"), "{css}");
        assert!(dark_css.contains("--primary: #ffe14d;"), "{css}");
        let dark = yellow.readable_on(DARK_SURFACE, WHITE);
        assert_eq!(dark, yellow, "yellow reads on the dark surface");
        assert!(navy.readable_on(DARK_SURFACE, WHITE).contrast(DARK_SURFACE) >= 4.5);
        assert_eq!(navy.text_on(), WHITE);
        assert_eq!(yellow.text_on(), INK);
    }
}
