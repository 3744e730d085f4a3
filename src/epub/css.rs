//! The ebook's one stylesheet. It styles structure, not the reader's page:
//! no font size, colour or margins on `body` (Kindle and Apple Books let the
//! reader choose those), relative units only, paragraph indents of 1.3 em
//! (stores ask for at most 4 em), and no embedded fonts. Verse lines hang:
//! a line the reader's screen turns over continues 2 em in; an indented line
//! is in by an eighth of an em per space written, at most 4 em in all.

/// The stylesheet, written as `stylesheet.css`.
pub const STYLESHEET: &str = r#"/* quire: structure only; type size, colours and margins are the reader's. */
p {
  margin: 0;
  text-indent: 1.3em;
  text-align: justify;
  hyphens: auto;
  -webkit-hyphens: auto;
}
p.noindent,
li p,
blockquote p:first-child,
figcaption,
.endnotes p {
  text-indent: 0;
}
h1, h2, h3, h4, h5, h6 {
  font-weight: normal;
  line-height: 1.2;
  text-align: center;
  text-indent: 0;
  hyphens: none;
  -webkit-hyphens: none;
  page-break-after: avoid;
  break-after: avoid;
}
h1 { font-size: 1.6em; margin: 2em 0 1.5em; }
h2 { font-size: 1.25em; margin: 1.5em 0 0.75em; }
h3 { font-size: 1.1em; margin: 1.25em 0 0.5em; font-style: italic; }
h4, h5, h6 { font-size: 1em; margin: 1em 0 0.5em; font-style: italic; }
blockquote {
  margin: 1em 1.5em;
}
ul, ol {
  margin: 1em 0;
  padding-left: 1.5em;
}
li ul, li ol {
  margin: 0;
}
div.stanza {
  margin: 1em 0;
}
div.stanza p.line {
  text-indent: -2em;
  margin: 0 0 0 2em;
  text-align: left;
  hyphens: none;
  -webkit-hyphens: none;
}
div.stanza p.indent-1 { margin-left: 2.125em; }
div.stanza p.indent-2 { margin-left: 2.25em; }
div.stanza p.indent-3 { margin-left: 2.375em; }
div.stanza p.indent-4 { margin-left: 2.5em; }
div.stanza p.indent-5 { margin-left: 2.625em; }
div.stanza p.indent-6 { margin-left: 2.75em; }
div.stanza p.indent-7 { margin-left: 2.875em; }
div.stanza p.indent-8 { margin-left: 3em; }
div.stanza p.indent-9 { margin-left: 3.125em; }
div.stanza p.indent-10 { margin-left: 3.25em; }
div.stanza p.indent-11 { margin-left: 3.375em; }
div.stanza p.indent-12 { margin-left: 3.5em; }
div.stanza p.indent-13 { margin-left: 3.625em; }
div.stanza p.indent-14 { margin-left: 3.75em; }
div.stanza p.indent-15 { margin-left: 3.875em; }
div.stanza p.indent-16 { margin-left: 4em; }
pre {
  margin: 1em 0;
  white-space: pre-wrap;
  text-align: left;
}
code {
  font-family: monospace;
  hyphens: none;
  -webkit-hyphens: none;
}
hr.scene-break {
  border: 0;
  border-top: thin solid;
  width: 25%;
  margin: 1.5em auto;
}
figure {
  margin: 1.5em 0;
  text-align: center;
  page-break-inside: avoid;
  break-inside: avoid;
}
figure img {
  max-width: 100%;
  height: auto;
}
figcaption {
  font-size: 0.9em;
  font-style: italic;
  margin-top: 0.5em;
}
sup, sub {
  font-size: 0.75em;
  line-height: 0;
}
sup { vertical-align: super; }
sub { vertical-align: sub; }
table {
  border-collapse: collapse;
  margin: 1.5em auto;
  border-top: medium solid;
  border-bottom: medium solid;
  font-size: 0.9em;
  font-variant-numeric: tabular-nums lining-nums;
}
figure.table table { margin: 0 auto; }
thead th {
  border-bottom: thin solid;
  font-weight: normal;
  font-style: italic;
}
th, td {
  padding: 0.25em 0.6em;
  text-align: left;
  vertical-align: top;
  hyphens: none;
  -webkit-hyphens: none;
}
th.align-center, td.align-center { text-align: center; }
th.align-right, td.align-right { text-align: right; }
a[role="doc-noteref"] {
  text-decoration: none;
}
.endnotes {
  margin-top: 2em;
  border-top: thin solid;
  font-size: 0.9em;
}
.endnotes ol {
  list-style: none;
  padding-left: 0;
}
.endnotes li {
  margin: 0.5em 0;
}
.half-title, .title-page, .copyright {
  text-align: center;
}
.half-title p, .title-page p, .copyright p {
  text-indent: 0;
  text-align: center;
}
.book-title { font-size: 2em; margin: 3em 0 0.5em; }
.subtitle { font-size: 1.2em; font-style: italic; margin: 0 0 2em; }
.author { font-size: 1.2em; margin: 2em 0; }
.publisher { margin: 3em 0 1em; }
.copyright { margin-top: 4em; }
.notice, .credit { font-size: 0.85em; margin: 0.75em 0; }
.copyright .publisher { font-size: 0.85em; margin: 1.5em 0 0; }
.dedication p, p.dedication {
  text-indent: 0;
  text-align: center;
  font-style: italic;
}
section.dedication, section.epigraph { margin-top: 4em; }
.epigraph p { text-indent: 0; }
p.attribution { text-align: right; margin-top: 0.5em; }
section.part h1 { margin-top: 4em; }
ol.toc {
  list-style: none;
  padding-left: 0;
}
ol.toc ol {
  list-style: none;
  padding-left: 1.5em;
}
ol.toc li {
  margin: 0.4em 0;
}
ol.toc a {
  text-decoration: none;
}
"#;

#[cfg(test)]
mod tests {
    use super::STYLESHEET;

    /// The stylesheet without its comments.
    fn rules() -> String {
        let mut out = String::new();
        let mut rest = STYLESHEET;
        while let Some(start) = rest.find("/*") {
            out.push_str(&rest[..start]);
            rest = rest[start..]
                .split_once("*/")
                .map_or("", |(_, after)| after);
        }
        out.push_str(rest);
        out
    }

    /// The declarations of a rule whose selector list contains `selector`.
    fn rule(css: &str, selector: &str) -> Option<String> {
        css.split('}').find_map(|rule| {
            let (selectors, body) = rule.split_once('{')?;
            selectors
                .split(',')
                .any(|s| s.trim() == selector)
                .then(|| body.to_string())
        })
    }

    #[test]
    fn leaves_the_body_to_the_reader() {
        let css = rules();
        assert!(rule(&css, "body").is_none());
        assert!(rule(&css, "html").is_none());
        assert!(rule(&css, "p").is_some());
        assert!(!css.contains("color"));
        assert!(!css.contains("@font-face"));
    }

    #[test]
    fn indents_are_small_and_units_relative() {
        let css = rules();
        let p = rule(&css, "p").unwrap();
        let indent = p
            .split(';')
            .find_map(|d| d.trim().strip_prefix("text-indent:"))
            .unwrap()
            .trim();
        let ems: f64 = indent.strip_suffix("em").unwrap().parse().unwrap();
        assert!((1.2..=1.5).contains(&ems), "{indent}");
        // Every length is in em or %, and no indent or margin passes 4 em.
        for token in css.split(|c: char| c.is_whitespace() || matches!(c, ':' | ';' | '{' | '}')) {
            let Some(first) = token.chars().next() else {
                continue;
            };
            if !first.is_ascii_digit() || token.parse::<f64>().is_ok() {
                continue;
            }
            let number_end = token
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap();
            let (number, unit) = token.split_at(number_end);
            assert!(matches!(unit, "em" | "%"), "absolute length {token}");
            if unit == "em" {
                let value: f64 = number.parse().unwrap();
                assert!(value <= 4.0, "{token}");
            }
        }
    }
}
