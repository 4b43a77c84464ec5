//! QR codes of pickup links, so a recipient beside the sender can scan the link with a phone.

use qrcode::QrCode;
use qrcode::render::{svg, unicode::Dense1x2};

pub use qrcode::types::QrError;

/// A complete SVG document (black on white, with the quiet zone scanners need).
pub fn qr_svg(text: &str) -> Result<String, QrError> {
    let code = QrCode::new(text.as_bytes())?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build())
}

/// The code drawn with half-block characters, two modules per character row, for a terminal.
pub fn qr_terminal(text: &str) -> Result<String, QrError> {
    let code = QrCode::new(text.as_bytes())?;
    Ok(code.render::<Dense1x2>().quiet_zone(true).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "http://127.0.0.1:8080/p#kp1_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    #[test]
    fn svg_is_a_standalone_document() {
        let svg = qr_svg(LINK).unwrap();
        assert!(svg.starts_with("<?xml"), "{svg:.40}");
        assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(
            !svg.contains(LINK),
            "the picture does not spell out the link"
        );
    }

    #[test]
    fn terminal_rendering_is_square_blocks() {
        let text = qr_terminal(LINK).unwrap();
        let widths: Vec<usize> = text.lines().map(|line| line.chars().count()).collect();
        assert!(widths.len() > 10);
        assert!(widths.iter().all(|&width| width == widths[0]));
        // Two module rows per text row: half as many rows as columns.
        assert_eq!(widths.len(), widths[0].div_ceil(2));
    }

    #[test]
    fn text_too_long_for_any_qr_version_is_an_error() {
        assert!(qr_svg(&"x".repeat(8_000)).is_err());
    }
}
