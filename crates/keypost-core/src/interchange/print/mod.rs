//! A printable PDF of entries: what a person hands over or files away on paper.
//!
//! Everything is set in DejaVu Sans Mono (bundled, see `assets/fonts/LICENSE-DejaVu.txt`),
//! whose slashed zero and distinct l/1/I keep a password typeable from paper. The layout is
//! computed first ([`layout`]) so tests can check that no entry is cut by a page break.

mod layout;

pub use layout::{
    DocumentLayout, LineStyle, PageLayout, PlacedBlock, PlacedLine, TextLine, VISIBLE_SPACE, layout,
};

use crate::entry::Entry;
use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Op, ParsedFont, PdfDocument, PdfPage,
    PdfSaveOptions, Point, Pt, TextItem,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

const REGULAR_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansMono.ttf");
const BOLD_FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansMono-Bold.ttf");

const FOOTER_FONT_SIZE: f32 = 7.5;
/// Distance of the footer's baseline from the bottom edge of the page.
const FOOTER_BASELINE_FROM_BOTTOM: f32 = 34.0;
pub const CONFIDENTIAL_NOTICE: &str = "Confidential — destroy after use";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaperSize {
    #[default]
    A4,
    Letter,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintOptions {
    pub paper: PaperSize,
    /// Heading on page 1 and the PDF's title.
    pub title: String,
    /// Printed in the heading and every footer. Injected so output can be reproduced.
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
}

impl Default for PrintOptions {
    fn default() -> Self {
        Self {
            paper: PaperSize::A4,
            title: "Keypost passwords".to_owned(),
            generated_at: OffsetDateTime::now_utc(),
        }
    }
}

/// Most entries one printout holds (about 670 pages). printpdf builds the whole document in
/// memory, about 13 KB per entry while it is laid out (10,000 entries peaked at 203 MiB and
/// 100,000 at 1.6 GiB: docs/benchmarks.md), so a larger selection is refused before any entry
/// is read rather than left to exhaust memory. CSV exports stream and have no such limit.
pub const MAX_PRINTED_ENTRIES: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrintError {
    #[error("the bundled font could not be loaded")]
    Font,
    #[error(
        "a printout holds at most {limit} entries and {count} were chosen: print fewer, or \
         export them as CSV"
    )]
    TooManyEntries { count: usize, limit: usize },
}

/// Whether a printout of `count` entries is within [`MAX_PRINTED_ENTRIES`].
pub fn check_printable(count: usize) -> Result<(), PrintError> {
    if count > MAX_PRINTED_ENTRIES {
        return Err(PrintError::TooManyEntries {
            count,
            limit: MAX_PRINTED_ENTRIES,
        });
    }
    Ok(())
}

/// Renders `entries` as a PDF document.
pub fn render_pdf(entries: &[Entry], options: &PrintOptions) -> Result<Vec<u8>, PrintError> {
    check_printable(entries.len())?;
    let document_layout = layout(entries, options);
    let mut warnings = Vec::new();
    let regular = ParsedFont::from_bytes(REGULAR_FONT, 0, &mut warnings).ok_or(PrintError::Font)?;
    let bold = ParsedFont::from_bytes(BOLD_FONT, 0, &mut warnings).ok_or(PrintError::Font)?;
    let mut document = PdfDocument::new(&options.title);
    let fonts = Fonts {
        regular: document.add_font(&regular),
        bold: document.add_font(&bold),
    };
    let page_count = document_layout.pages.len();
    let footer_left = format!("Generated {}", format_date(options.generated_at));
    let pages = document_layout
        .pages
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let mut canvas = Canvas {
                ops: Vec::new(),
                fonts: &fonts,
                page_height: document_layout.page_height,
            };
            canvas.page(page, document_layout.page_width);
            canvas.footer(
                [
                    footer_left.as_str(),
                    CONFIDENTIAL_NOTICE,
                    &format!("Page {} of {page_count}", index + 1),
                ],
                document_layout.page_width,
            );
            PdfPage::new(
                Pt(document_layout.page_width).into(),
                Pt(document_layout.page_height).into(),
                canvas.ops,
            )
        })
        .collect();
    Ok(document
        .with_pages(pages)
        .save(&PdfSaveOptions::default(), &mut warnings))
}

/// `2026-11-20 14:03 UTC`: unambiguous in every country, unlike 11/20 or 20/11.
pub(crate) fn format_date(time: OffsetDateTime) -> String {
    let utc = time.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute()
    )
}

struct Fonts {
    regular: FontId,
    bold: FontId,
}

const BLACK: f32 = 0.0;
const LABEL_GREY: f32 = 0.4;
const RULE_GREY: f32 = 0.75;

/// Drawing operations of one page, in top-down coordinates converted to PDF's bottom-up.
struct Canvas<'a> {
    ops: Vec<Op>,
    fonts: &'a Fonts,
    page_height: f32,
}

impl Canvas<'_> {
    fn page(&mut self, page: &PageLayout, page_width: f32) {
        let label_x = layout::MARGIN;
        let value_x = layout::MARGIN + 11.0 * LineStyle::Field.char_width();
        for placed in &page.heading {
            self.text(
                &placed.line.text,
                placed.line.style,
                label_x,
                placed.baseline,
                BLACK,
            );
        }
        for block in &page.blocks {
            for placed in &block.lines {
                let line = &placed.line;
                match line.style {
                    LineStyle::Field => {
                        self.text(
                            &line.label,
                            line.style,
                            label_x,
                            placed.baseline,
                            LABEL_GREY,
                        );
                        self.text(&line.text, line.style, value_x, placed.baseline, BLACK);
                    }
                    style => self.text(&line.text, style, label_x, placed.baseline, BLACK),
                }
            }
            self.rule(layout::MARGIN, page_width - layout::MARGIN, block.bottom);
        }
    }

    /// Generation date on the left, the notice centred, the page number on the right.
    fn footer(&mut self, [left, centre, right]: [&str; 3], page_width: f32) {
        let baseline = self.page_height - FOOTER_BASELINE_FROM_BOTTOM;
        let char_width = FOOTER_FONT_SIZE * layout::MONO_ADVANCE_EM;
        let width_of = |text: &str| text.chars().count() as f32 * char_width;
        self.rule(layout::MARGIN, page_width - layout::MARGIN, baseline - 11.0);
        self.footer_text(left, layout::MARGIN, baseline);
        self.footer_text(centre, (page_width - width_of(centre)) / 2.0, baseline);
        self.footer_text(
            right,
            page_width - layout::MARGIN - width_of(right),
            baseline,
        );
    }

    fn footer_text(&mut self, text: &str, x: f32, baseline: f32) {
        self.write(
            text,
            self.fonts.regular.clone(),
            FOOTER_FONT_SIZE,
            x,
            baseline,
            LABEL_GREY,
        );
    }

    fn text(&mut self, text: &str, style: LineStyle, x: f32, baseline: f32, grey: f32) {
        if text.is_empty() {
            return;
        }
        let font = if style.is_bold() {
            self.fonts.bold.clone()
        } else {
            self.fonts.regular.clone()
        };
        self.write(text, font, style.font_size(), x, baseline, grey);
    }

    fn write(&mut self, text: &str, font: FontId, size: f32, x: f32, baseline: f32, grey: f32) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: Color::Greyscale(Greyscale {
                    percent: grey,
                    icc_profile: None,
                }),
            },
            Op::SetFontSize {
                size: Pt(size),
                font: font.clone(),
            },
            Op::SetTextCursor {
                pos: Point {
                    x: Pt(x),
                    y: Pt(self.page_height - baseline),
                },
            },
            Op::WriteText {
                items: vec![TextItem::Text(text.to_owned())],
                font,
            },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, from_x: f32, to_x: f32, y: f32) {
        let y = Pt(self.page_height - y);
        self.ops.extend([
            Op::SetOutlineColor {
                col: Color::Greyscale(Greyscale {
                    percent: RULE_GREY,
                    icc_profile: None,
                }),
            },
            Op::SetOutlineThickness { pt: Pt(0.5) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point { x: Pt(from_x), y },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point { x: Pt(to_x), y },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_font_has_the_advance_the_layout_assumes() {
        let mut warnings = Vec::new();
        for bytes in [REGULAR_FONT, BOLD_FONT] {
            let font = ParsedFont::from_bytes(bytes, 0, &mut warnings);
            let Some(font) = font else {
                panic!("font did not parse")
            };
            let units_per_em = f32::from(font.font_metrics.units_per_em);
            for c in ['0', 'O', 'l', '1', 'I', 'W', VISIBLE_SPACE, '\u{FFFD}', '—'] {
                let glyph = font.lookup_glyph_index(u32::from(c));
                let Some(glyph) = glyph else {
                    panic!("no glyph for {c:?}")
                };
                let advance = f32::from(font.get_horizontal_advance(glyph)) / units_per_em;
                assert!(
                    (advance - layout::MONO_ADVANCE_EM).abs() < 1e-4,
                    "{c:?}: {advance}"
                );
            }
        }
    }

    #[test]
    fn a_printout_holds_at_most_the_limit() {
        assert_eq!(check_printable(MAX_PRINTED_ENTRIES), Ok(()));
        assert_eq!(
            check_printable(MAX_PRINTED_ENTRIES + 1),
            Err(PrintError::TooManyEntries {
                count: MAX_PRINTED_ENTRIES + 1,
                limit: MAX_PRINTED_ENTRIES
            })
        );
    }

    #[test]
    fn dates_are_iso_and_utc() {
        let time = time::macros::datetime!(2026-11-20 15:04:59 +01:00);
        assert_eq!(format_date(time), "2026-11-20 14:04 UTC");
    }
}
