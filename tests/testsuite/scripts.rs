//! Every script printed: emoji from the bundled emoji face, CJK broken
//! between characters by Unicode's line-breaking rules, right-to-left
//! phrases ordered by the bidi algorithm, fallback glyphs in italic runs.

use crate::common;

use quire::{Formats, Options};

const TOML: &str = "title = \"Scripts\"\nauthors = [\"A. Writer\"]\ndate = \"2026-01-01\"\n";

use common::build_pdf;

/// The PDF's text as poppler's pdftotext reads it (raw order), and the
/// fonts pdffonts lists.
fn pdf_text(pdf: &[u8], tool: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|_| panic!("{tool} (poppler-utils) is installed"));
    assert!(out.status.success(), "{tool} failed");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn emoji_print_from_the_bundled_emoji_face_in_the_text_layer() {
    let text = "Ships\n\nThe 🚢 sailed at dawn, and the crew drank ☕ on deck.\n";
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", text)]);
    let pdf = build_pdf(&project);
    let words = pdf_text(&pdf, "pdftotext", &["-raw"]);
    assert!(words.contains("The 🚢 sailed"), "{words}");
    assert!(words.contains("drank ☕ on"), "{words}");
    let fonts = pdf_text(&pdf, "pdffonts", &[]);
    assert!(fonts.contains("NotoEmoji-Regular"), "{fonts}");
}

#[test]
fn the_epub_does_not_embed_the_emoji_face() {
    let toml = format!("{TOML}[epub]\nembed-fonts = true\n");
    let text = "Ships\n\nThe 🚢 sailed at dawn.\n";
    let project = common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", text)]);
    let options = Options {
        formats: Formats {
            epub: true,
            pdf: false,
        },
        source_date_epoch: None,
        stores: None,
    };
    let outputs = quire::build(&project, &options).unwrap_or_else(|e| panic!("{e}"));
    let epub = &outputs
        .files
        .iter()
        .find(|f| f.name.ends_with(".epub"))
        .expect("an EPUB")
        .bytes;
    let names: Vec<String> = zip::ZipArchive::new(std::io::Cursor::new(epub))
        .unwrap()
        .file_names()
        .map(str::to_string)
        .collect();
    assert!(
        names.iter().any(|n| n.ends_with("EBGaramond-Regular.ttf")),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("NotoEmoji")), "{names:?}");
}

/// A CJK face for the tests that need one: Droid Sans Fallback, from
/// Debian's `fonts-droid-fallback` (CI installs it); `None`, with a note,
/// where it is absent.
fn cjk_font() -> Option<Vec<u8>> {
    let path = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
    let font = std::fs::read(path).ok();
    if font.is_none() {
        common::skipped(&format!("{path} (fonts-droid-fallback) is absent"));
    }
    font
}

/// The lines of a laid-out book's body text, in reading order, per
/// block: each line's text and its right edge.
fn body_lines(laid: &quire::layout::LaidOut) -> Vec<(String, Vec<(String, f64)>)> {
    use quire::layout::frame::{Item, Mark, Part};
    let mut blocks: Vec<(String, Vec<(String, f64)>)> = Vec::new();
    for page in &laid.pages.pages {
        // Per line: its block, its baseline and its runs (start, text, right edge).
        type Runs = Vec<(f64, String, f64)>;
        let mut lines: Vec<(String, i64, Runs)> = Vec::new();
        for item in &page.items {
            let Item::Glyphs(run) = item else { continue };
            let Mark::Block(block, Part::Text) = run.mark else {
                continue;
            };
            let block = format!("{block:?}");
            let y = (run.y.0 * 10.0).round() as i64;
            let right = run.x.0
                + run
                    .glyphs
                    .iter()
                    .map(|g| g.x.0 + g.advance.0)
                    .fold(0.0, f64::max);
            let text = run.text.as_str().to_string();
            match lines.iter_mut().find(|l| l.0 == block && l.1 == y) {
                Some(line) => line.2.push((run.x.0, text, right)),
                None => lines.push((block, y, vec![(run.x.0, text, right)])),
            }
        }
        for (block, _, mut runs) in lines {
            runs.sort_by(|a, b| a.0.total_cmp(&b.0));
            let text: String = runs.iter().map(|r| r.1.as_str()).collect();
            let right = runs.iter().map(|r| r.2).fold(0.0, f64::max);
            match blocks.last_mut() {
                Some(last) if last.0 == block => last.1.push((text, right)),
                _ => blocks.push((block, vec![(text, right)])),
            }
        }
    }
    blocks
}

/// The Analects' first book (public domain), and the opening of Sōseki's
/// *I Am a Cat* (1905, public domain).
const ANALECTS: &str = "學而第一\n\n子曰：「學而時習之，不亦說乎？有朋自遠方來，不亦樂乎？人不知而不慍，不亦君子乎？」\n\n有子曰：「其為人也孝弟，而好犯上者，鮮矣；不好犯上，而好作亂者，未之有也。君子務本，本立而道生。孝弟也者，其為仁之本與！」\n\n曾子曰：「吾日三省吾身：為人謀而不忠乎？與朋友交而不信乎？傳不習乎？」\n\n子曰：「弟子入則孝，出則弟，謹而信，汎愛眾，而親仁。行有餘力，則以學文。」\n\n子夏曰：「賢賢易色；事父母，能竭其力；事君，能致其身；與朋友交，言而有信。雖曰未學，吾必謂之學矣。」\n\n子禽問於子貢曰：「夫子至於是邦也，必聞其政，求之與？抑與之與？」子貢曰：「夫子溫、良、恭、儉、讓以得之。夫子之求之也，其諸異乎人之求之與？」\n\n吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。しかもあとで聞くとそれは書生という人間中で一番獰悪な種族であったそうだ。\n";

#[test]
fn cjk_breaks_between_characters_by_its_rules_and_justifies() {
    let Some(font) = cjk_font() else { return };
    let toml =
        format!("{TOML}language = \"zh\"\n[fonts]\nfallback = [\"DroidSansFallbackFull.ttf\"]\n");
    let mut project = common::project(&[
        ("manuscript/book.toml", &toml),
        ("manuscript/01.md", ANALECTS),
    ]);
    project.insert("fonts/DroidSansFallbackFull.ttf", font);
    let (book, _) =
        quire::load_book(&project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let mut found = quire::diag::Sink::new();
    let laid = quire::layout::layout(&book, &fonts, &mut found).unwrap_or_else(|e| panic!("{e}"));
    let warnings: Vec<String> = found.iter().map(|w| w.to_string()).collect();
    assert!(
        !warnings.iter().any(|w| w.contains("wider than the line")),
        "{warnings:?}"
    );
    let blocks = body_lines(&laid);
    let lines: Vec<&(String, f64)> = blocks.iter().flat_map(|b| &b.1).collect();
    assert!(lines.len() >= 20, "{blocks:?}");
    // Kinsoku: no line starts with closing punctuation or a small kana, none
    // ends with an opening bracket.
    let no_start = "、。，．・：；？！ー」』）〕】ぁぃぅぇぉっゃゅょァィゥェォッャュョ";
    let no_end = "「『（〔【";
    for (text, _) in &lines {
        let first = text.chars().next().unwrap();
        let last = text.trim_end().chars().last().unwrap();
        assert!(
            !no_start.contains(first),
            "a line starts with {first}: {text}"
        );
        assert!(!no_end.contains(last), "a line ends with {last}: {text}");
    }
    // Justified: every line of a paragraph but its last reaches the measure.
    let edge = lines.iter().map(|l| l.1).fold(0.0, f64::max);
    let mut full = 0;
    for (_, block) in &blocks {
        for (text, right) in &block[..block.len() - 1] {
            assert!(
                (edge - right).abs() < 0.3,
                "{text}: ends at {right}, not {edge}"
            );
            full += 1;
        }
    }
    assert!(full >= 10, "{full} full lines");
}

/// Each body line's glyphs left to right as print places them, the text
/// each shows, words a space apart.
fn visual_lines(laid: &quire::layout::LaidOut) -> Vec<String> {
    use quire::layout::frame::{Item, Mark};
    let mut lines: Vec<(i64, Vec<(f64, String)>)> = Vec::new();
    for page in &laid.pages.pages {
        for item in &page.items {
            let Item::Glyphs(run) = item else { continue };
            if !matches!(run.mark, Mark::Block(..)) {
                continue;
            }
            let y = (run.y.0 * 10.0).round() as i64;
            let text = run.text.as_str();
            let glyphs = run.glyphs.iter().map(|g| {
                let start = g.text_start as usize;
                let shown = &text[start..start + g.text_len as usize];
                (run.x.0 + g.x.0, shown.to_string())
            });
            match lines.iter_mut().find(|l| l.0 == y) {
                Some(line) => line.1.extend(glyphs),
                None => lines.push((y, glyphs.collect())),
            }
        }
    }
    lines
        .into_iter()
        .map(|(_, mut glyphs)| {
            glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
            let text: String = glyphs.into_iter().map(|g| g.1).collect();
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[test]
fn a_right_to_left_phrase_in_quotation_marks_is_ordered_by_the_bidi_algorithm() {
    let sentences = [
        "He said “שלום” to me.",
        "They wrote “שלום עולם” (in 2024) on the door.",
        "The word (ספר) means book.",
    ];
    let text = format!("Bidi\n\n{}\n", sentences.join("\n\n"));
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", &text)]);
    let (book, _) =
        quire::load_book(&project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let laid = quire::layout::layout(&book, &fonts, &mut quire::diag::Sink::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let lines = visual_lines(&laid);
    for sentence in sentences {
        // The visual order the Unicode bidi algorithm gives, in a
        // left-to-right paragraph (as the EPUB's).
        let info = unicode_bidi::BidiInfo::new(sentence, Some(unicode_bidi::Level::ltr()));
        let paragraph = &info.paragraphs[0];
        let visual = info.reorder_line(paragraph, paragraph.range.clone());
        assert!(
            lines.iter().any(|l| *l == visual),
            "{visual} is not a line of {lines:#?}"
        );
    }
}

/// Runs of the laid-out book that show `text`: (face, slanted).
fn runs_showing(laid: &quire::layout::LaidOut, text: &str) -> Vec<(quire::fonts::Style, bool)> {
    laid.pages
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            quire::layout::frame::Item::Glyphs(run) if run.text.as_str() == text => {
                Some((run.style, run.slant))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn an_italic_words_fallback_glyph_is_italic_or_slanted() {
    use quire::fonts::Style;
    // Stigma (ϛ), which EB Garamond's italic lacks (its regular has it).
    let text = "Stigma\n\nThe letter ϛ, and in italics *the letter ϛ*.\n";
    let project = common::project(&[("manuscript/book.toml", TOML), ("manuscript/01.md", text)]);
    let (book, _) =
        quire::load_book(&project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let laid = quire::layout::layout(&book, &fonts, &mut quire::diag::Sink::new())
        .unwrap_or_else(|e| panic!("{e}"));
    // The bundled fallback has no oblique: the italic word's ϛ is slanted.
    let mut runs = runs_showing(&laid, "ϛ");
    runs.sort();
    assert_eq!(runs, [(Style::Fallback(0), true)]);
    // The PDF shears it in its text matrix.
    let pdf = build_pdf(&project);
    let mut doc = lopdf::Document::load_mem(&pdf).unwrap();
    doc.decompress();
    let sheared = doc.get_pages().values().any(|&page| {
        let content = doc.get_page_content(page);
        String::from_utf8_lossy(&content).contains(" 0.2126 1 ")
    });
    assert!(sheared, "no page has a sheared text matrix");

    // With an oblique of the fallback among the fallbacks, the italic word's ϛ is from it.
    let oblique = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf";
    let Ok(bytes) = std::fs::read(oblique) else {
        common::skipped(&format!("{oblique} (fonts-dejavu-extra) is absent"));
        return;
    };
    let toml =
        format!("{TOML}[fonts]\nfallback = [\"DejaVuSans.ttf\", \"DejaVuSans-Oblique.ttf\"]\n");
    let mut project =
        common::project(&[("manuscript/book.toml", &toml), ("manuscript/01.md", text)]);
    project.insert("fonts/DejaVuSans-Oblique.ttf", bytes);
    let (book, _) =
        quire::load_book(&project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let laid = quire::layout::layout(&book, &fonts, &mut quire::diag::Sink::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut runs = runs_showing(&laid, "ϛ");
    runs.sort();
    assert_eq!(runs, [(Style::Fallback(1), false)]);
}
