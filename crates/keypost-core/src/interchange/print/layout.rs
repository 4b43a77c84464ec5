//! Where every line of the printout goes, computed before anything is drawn.
//!
//! Each entry becomes a block whose height is measured first; a block that does not fit on
//! the rest of a page moves whole to the next page. Only a block taller than a whole page is
//! split, and then its later parts repeat the title with "(continued)". The font is
//! monospaced, so a line's width is its character count times one advance.

use super::{PaperSize, PrintOptions};
use crate::entry::Entry;
use serde::Serialize;

/// DejaVu Sans Mono's advance width (1233 of 2048 units per em) for every glyph.
pub(super) const MONO_ADVANCE_EM: f32 = 1233.0 / 2048.0;

pub(super) const MARGIN: f32 = 48.0;
/// Space kept free above the bottom margin for the footer.
const FOOTER_SPACE: f32 = 28.0;
const BLOCK_PADDING_TOP: f32 = 6.0;
const BLOCK_PADDING_BOTTOM: f32 = 10.0;
/// Label column width in characters of body text, gap included.
const LABEL_CHARS: usize = 11;
const TAB_AS_SPACES: &str = "    ";
/// Shown instead of a space inside a password, where a blank would be invisible on paper.
pub const VISIBLE_SPACE: char = '\u{2423}';

/// How a line looks; its font, size and line height follow from this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LineStyle {
    /// The document title at the top of page 1.
    Heading,
    /// The line under the heading (count, date, legend).
    Subheading,
    EntryTitle,
    /// A field: grey label column, value in the value column.
    Field,
}

impl LineStyle {
    pub fn font_size(self) -> f32 {
        match self {
            LineStyle::Heading => 16.0,
            LineStyle::Subheading => 8.5,
            LineStyle::EntryTitle => 12.0,
            LineStyle::Field => 10.0,
        }
    }

    pub fn line_height(self) -> f32 {
        match self {
            LineStyle::Heading => 22.0,
            LineStyle::Subheading => 12.0,
            LineStyle::EntryTitle => 17.0,
            LineStyle::Field => 13.0,
        }
    }

    pub fn is_bold(self) -> bool {
        matches!(self, LineStyle::Heading | LineStyle::EntryTitle)
    }

    pub(super) fn char_width(self) -> f32 {
        self.font_size() * MONO_ADVANCE_EM
    }
}

/// One line of text, not yet placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextLine {
    pub style: LineStyle,
    /// Printed in the label column (only on the first line of a field).
    pub label: String,
    pub text: String,
}

/// A line placed on a page; `baseline` is measured in points from the top of the page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedLine {
    pub line: TextLine,
    pub baseline: f32,
}

/// An entry's block (or, for an entry taller than a page, one part of it) on one page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlacedBlock {
    pub entry_index: usize,
    /// True for the second and later parts of an entry taller than a page.
    pub continued: bool,
    /// Top and bottom edges in points from the top of the page; a rule is drawn at `bottom`.
    pub top: f32,
    pub bottom: f32,
    pub lines: Vec<PlacedLine>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PageLayout {
    /// Heading lines (page 1 only).
    pub heading: Vec<PlacedLine>,
    pub blocks: Vec<PlacedBlock>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocumentLayout {
    pub page_width: f32,
    pub page_height: f32,
    /// Lowest point (from the top) any block may reach; the footer sits below it.
    pub body_bottom: f32,
    pub pages: Vec<PageLayout>,
}

impl PaperSize {
    /// Width and height in points.
    pub fn size_pt(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (595.28, 841.89),
            PaperSize::Letter => (612.0, 792.0),
        }
    }
}

/// Lays out `entries` on pages of `options.paper`.
pub fn layout(entries: &[Entry], options: &PrintOptions) -> DocumentLayout {
    let (page_width, page_height) = options.paper.size_pt();
    let content_width = page_width - 2.0 * MARGIN;
    let body_top = MARGIN;
    let body_bottom = page_height - MARGIN - FOOTER_SPACE;
    let mut pages = vec![PageLayout::default()];
    let mut cursor = body_top;

    for line in heading_lines(entries.len(), options, content_width) {
        cursor += line.style.line_height();
        if let Some(page) = pages.last_mut() {
            page.heading.push(PlacedLine {
                line,
                baseline: cursor,
            });
        }
    }
    cursor += BLOCK_PADDING_BOTTOM;

    let full_page = body_bottom - body_top;
    for (entry_index, entry) in entries.iter().enumerate() {
        let lines = entry_lines(entry, content_width);
        let height = block_height(&lines);
        let page_has_blocks = pages.last().is_some_and(|page| !page.blocks.is_empty());
        // An entry taller than a page starts where it is unless other entries are above it.
        if cursor + height > body_bottom && (height <= full_page || page_has_blocks) {
            pages.push(PageLayout::default());
            cursor = body_top;
        }
        if height <= full_page {
            if let Some(page) = pages.last_mut() {
                page.blocks
                    .push(place_block(entry_index, false, lines, cursor));
            }
            cursor += height;
            continue;
        }
        // Taller than a page: fill pages, repeating the title on each later part.
        let title = lines.first().cloned();
        let mut remaining = lines.into_iter().peekable();
        let mut continued = false;
        while remaining.peek().is_some() {
            let mut part = Vec::new();
            if continued && let Some(title) = &title {
                part.push(TextLine {
                    text: format!("{} (continued)", title.text),
                    ..title.clone()
                });
            }
            let mut used = BLOCK_PADDING_TOP + BLOCK_PADDING_BOTTOM + lines_height(&part);
            while let Some(next) = remaining.peek() {
                let next_height = next.style.line_height();
                if cursor + used + next_height > body_bottom && !part.is_empty() {
                    break;
                }
                used += next_height;
                part.extend(remaining.next());
            }
            if let Some(page) = pages.last_mut() {
                page.blocks
                    .push(place_block(entry_index, continued, part, cursor));
            }
            cursor += used;
            continued = true;
            if remaining.peek().is_some() {
                pages.push(PageLayout::default());
                cursor = body_top;
            }
        }
    }
    DocumentLayout {
        page_width,
        page_height,
        body_bottom,
        pages,
    }
}

fn place_block(entry_index: usize, continued: bool, lines: Vec<TextLine>, top: f32) -> PlacedBlock {
    let mut baseline = top + BLOCK_PADDING_TOP;
    let lines = lines
        .into_iter()
        .map(|line| {
            baseline += line.style.line_height();
            PlacedLine { line, baseline }
        })
        .collect();
    PlacedBlock {
        entry_index,
        continued,
        top,
        bottom: baseline + BLOCK_PADDING_BOTTOM,
        lines,
    }
}

fn lines_height(lines: &[TextLine]) -> f32 {
    lines.iter().map(|line| line.style.line_height()).sum()
}

fn block_height(lines: &[TextLine]) -> f32 {
    BLOCK_PADDING_TOP + lines_height(lines) + BLOCK_PADDING_BOTTOM
}

fn heading_lines(entry_count: usize, options: &PrintOptions, content_width: f32) -> Vec<TextLine> {
    let heading_chars = chars_that_fit(content_width, LineStyle::Heading);
    let mut lines: Vec<TextLine> = wrap_words(&printable(&options.title), heading_chars)
        .into_iter()
        .map(|text| TextLine {
            style: LineStyle::Heading,
            label: String::new(),
            text,
        })
        .collect();
    let noun = if entry_count == 1 { "entry" } else { "entries" };
    let subheading = format!(
        "{entry_count} {noun} · printed {} · {VISIBLE_SPACE} marks a space in a password",
        super::format_date(options.generated_at)
    );
    let sub_chars = chars_that_fit(content_width, LineStyle::Subheading);
    lines.extend(
        wrap_words(&subheading, sub_chars)
            .into_iter()
            .map(|text| TextLine {
                style: LineStyle::Subheading,
                label: String::new(),
                text,
            }),
    );
    lines
}

fn chars_that_fit(width: f32, style: LineStyle) -> usize {
    // Truncation is intended: a partial character does not fit.
    ((width / style.char_width()).floor() as usize).max(1)
}

/// The lines of one entry: title, then each non-empty field in the order a person reads them.
fn entry_lines(entry: &Entry, content_width: f32) -> Vec<TextLine> {
    let fields = &entry.fields;
    let title = if fields.title.trim().is_empty() {
        "(untitled)"
    } else {
        fields.title.as_str()
    };
    let mut lines: Vec<TextLine> = wrap_words(
        &printable(title),
        chars_that_fit(content_width, LineStyle::EntryTitle),
    )
    .into_iter()
    .map(|text| TextLine {
        style: LineStyle::EntryTitle,
        label: String::new(),
        text,
    })
    .collect();
    let label_width = LABEL_CHARS as f32 * LineStyle::Field.char_width();
    let value_chars = chars_that_fit(content_width - label_width, LineStyle::Field);
    let mut field = |label: &str, value: &str, wrap: Wrap| {
        if value.is_empty() {
            return;
        }
        let text = match wrap {
            Wrap::Password => value.replace(' ', &VISIBLE_SPACE.to_string()),
            Wrap::Words | Wrap::Characters => value.to_owned(),
        };
        let text = printable(&text);
        let wrapped = match wrap {
            Wrap::Words => wrap_words(&text, value_chars),
            Wrap::Characters | Wrap::Password => wrap_characters(&text, value_chars),
        };
        let mut label = printable(label);
        // A label too long for its column gets a line of its own above the value.
        if label.chars().count() >= LABEL_CHARS {
            lines.extend(
                wrap_characters(&label, chars_that_fit(content_width, LineStyle::Field))
                    .into_iter()
                    .map(|text| TextLine {
                        style: LineStyle::Field,
                        label: text,
                        text: String::new(),
                    }),
            );
            label = String::new();
        }
        for (index, text) in wrapped.into_iter().enumerate() {
            lines.push(TextLine {
                style: LineStyle::Field,
                label: if index == 0 {
                    label.clone()
                } else {
                    String::new()
                },
                text,
            });
        }
    };
    field("Username", &fields.username, Wrap::Characters);
    field("Password", &fields.password, Wrap::Password);
    for url in &fields.urls {
        field("URL", url, Wrap::Characters);
    }
    field("TOTP", &fields.totp, Wrap::Characters);
    field("Folder", &fields.folder, Wrap::Words);
    field("Tags", &fields.tags.join(", "), Wrap::Words);
    for custom in &fields.custom_fields {
        field(&custom.name, &custom.value, Wrap::Words);
    }
    field("Notes", &fields.notes, Wrap::Words);
    lines
}

#[derive(Clone, Copy)]
enum Wrap {
    /// Break between words where possible (notes, folders).
    Words,
    /// Break anywhere: usernames and URLs have no spaces to break at.
    Characters,
    /// Like `Characters`, with spaces made visible.
    Password,
}

/// Text the font can draw on one line: tabs become spaces, other control characters a
/// replacement mark, carriage returns vanish (line feeds are handled by the wrappers).
pub(super) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\r' => {}
            '\t' => out.push_str(TAB_AS_SPACES),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn wrap_characters(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let chars: Vec<char> = paragraph.chars().collect();
        if chars.is_empty() {
            lines.push(String::new());
        }
        lines.extend(
            chars
                .chunks(width.max(1))
                .map(|chunk| chunk.iter().collect::<String>()),
        );
    }
    lines
}

/// Greedy word wrap that keeps explicit line breaks and hard-breaks words longer than a line.
pub(super) fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut current = String::new();
        let mut current_len = 0usize;
        for word in paragraph.split(' ') {
            let word_len = word.chars().count();
            let needed = if current_len == 0 {
                word_len
            } else {
                current_len + 1 + word_len
            };
            if needed <= width {
                if current_len > 0 {
                    current.push(' ');
                }
                current.push_str(word);
                current_len = needed;
                continue;
            }
            if current_len > 0 {
                lines.push(std::mem::take(&mut current));
                current_len = 0;
            }
            let chars: Vec<char> = word.chars().collect();
            let mut chunks = chars.chunks(width).peekable();
            while let Some(chunk) = chunks.next() {
                if chunks.peek().is_some() {
                    lines.push(chunk.iter().collect());
                } else {
                    current = chunk.iter().collect();
                    current_len = chunk.len();
                }
            }
        }
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_wrap_keeps_breaks_and_splits_long_words() {
        assert_eq!(wrap_words("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap_words("a\n\nb", 10), vec!["a", "", "b"]);
        assert_eq!(wrap_words("abcdefghij k", 4), vec!["abcd", "efgh", "ij k"]);
        assert_eq!(wrap_words("", 4), vec![""]);
    }

    #[test]
    fn character_wrap_counts_characters_not_bytes() {
        assert_eq!(wrap_characters("ääääää", 4), vec!["ääää", "ää"]);
        assert_eq!(wrap_characters("ab\ncd", 4), vec!["ab", "cd"]);
    }

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(printable("a\tb\r\nc\u{7}"), "a    b\nc\u{FFFD}");
    }
}
