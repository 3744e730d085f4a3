//! Word's styles (`styles.xml`): each paragraph and character style
//! followed through `basedOn`, and what a run's or a paragraph's own
//! properties say over it.

use super::*;

/// What a run's properties say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct RunLook {
    pub(super) italic: Option<bool>,
    pub(super) bold: Option<bool>,
    pub(super) small_caps: Option<bool>,
    pub(super) strike: Option<bool>,
    pub(super) superscript: Option<bool>,
    pub(super) subscript: Option<bool>,
    pub(super) hidden: Option<bool>,
    pub(super) mono: Option<bool>,
}

impl RunLook {
    pub(super) fn read(rpr: &Node<'_, '_>) -> RunLook {
        let underline = rpr
            .children()
            .find(|c| is(c, W, "u"))
            .map(|u| !matches!(u.attribute((W, "val")), Some("none")));
        let vert = val(rpr, "vertAlign");
        let fonts = rpr
            .children()
            .find(|c| is(c, W, "rFonts"))
            .and_then(|f| {
                f.attribute((W, "ascii"))
                    .or_else(|| f.attribute((W, "hAnsi")))
            })
            .map(|f| f.to_lowercase());
        RunLook {
            // Underline is how manuscripts mark italic.
            italic: match (toggle(rpr, "i"), underline) {
                (Some(true), _) | (_, Some(true)) => Some(true),
                (Some(false), _) => Some(false),
                _ => None,
            },
            bold: toggle(rpr, "b"),
            small_caps: toggle(rpr, "smallCaps"),
            strike: toggle(rpr, "strike").or(toggle(rpr, "dstrike")),
            superscript: vert.map(|v| v == "superscript"),
            subscript: vert.map(|v| v == "subscript"),
            hidden: toggle(rpr, "vanish"),
            mono: fonts.map(|f| {
                [
                    "courier",
                    "consolas",
                    "mono",
                    "menlo",
                    "monaco",
                    "lucida console",
                    "source code",
                ]
                .iter()
                .any(|m| f.contains(m))
            }),
        }
    }

    /// `self` over `base`: what `self` says wins.
    pub(super) fn over(self, base: RunLook) -> RunLook {
        RunLook {
            italic: self.italic.or(base.italic),
            bold: self.bold.or(base.bold),
            small_caps: self.small_caps.or(base.small_caps),
            strike: self.strike.or(base.strike),
            superscript: self.superscript.or(base.superscript),
            subscript: self.subscript.or(base.subscript),
            hidden: self.hidden.or(base.hidden),
            mono: self.mono.or(base.mono),
        }
    }
}

/// A style, as styles.xml gives it.
#[derive(Debug, Clone, Default)]
pub(super) struct Style {
    /// Its name, lower case (`heading 1`, `quote`).
    pub(super) name: String,
    pub(super) based_on: Option<String>,
    pub(super) outline: Option<u8>,
    pub(super) centred: Option<bool>,
    pub(super) indent_left: Option<i32>,
    pub(super) indent_right: Option<i32>,
    pub(super) numbering: Option<(String, u8)>,
    pub(super) run: RunLook,
    pub(super) page_break_before: Option<bool>,
}

#[derive(Debug, Default)]
pub(super) struct Styles {
    pub(super) by_id: HashMap<String, Style>,
    pub(super) default_paragraph: Option<String>,
    pub(super) language: Option<String>,
}

impl Styles {
    pub(super) fn read(doc: &roxmltree::Document<'_>) -> Styles {
        let mut styles = Styles::default();
        let root = doc.root_element();
        if let Some(lang) = root
            .descendants()
            .find(|n| is(n, W, "docDefaults"))
            .and_then(|d| d.descendants().find(|n| is(n, W, "lang")))
            .and_then(|l| l.attribute((W, "val")))
        {
            styles.language = Some(lang.to_string());
        }
        for style in root.children().filter(|n| is(n, W, "style")) {
            let Some(id) = style.attribute((W, "styleId")) else {
                continue;
            };
            let ppr = style.children().find(|c| is(c, W, "pPr"));
            let rpr = style.children().find(|c| is(c, W, "rPr"));
            let mut s = Style {
                name: val(&style, "name").unwrap_or(id).to_lowercase(),
                based_on: val(&style, "basedOn").map(str::to_string),
                run: rpr.map(|r| RunLook::read(&r)).unwrap_or_default(),
                ..Style::default()
            };
            if let Some(ppr) = ppr {
                read_paragraph_props(&ppr, &mut s);
            }
            if style
                .attribute((W, "default"))
                .is_some_and(|d| d == "1" || d == "true")
                && style.attribute((W, "type")) == Some("paragraph")
            {
                styles.default_paragraph = Some(id.to_string());
            }
            styles.by_id.insert(id.to_string(), s);
        }
        styles
    }

    /// A paragraph style with what it inherits, resolved.
    pub(super) fn resolved(&self, id: Option<&str>) -> Style {
        let mut chain: Vec<&Style> = Vec::new();
        let mut next = id
            .map(str::to_string)
            .or_else(|| self.default_paragraph.clone());
        while let Some(id) = next {
            let Some(style) = self.by_id.get(&id) else {
                break;
            };
            if chain.len() > 16 {
                break;
            }
            chain.push(style);
            next = style.based_on.clone();
        }
        let mut out = Style {
            name: chain.first().map(|s| s.name.clone()).unwrap_or_default(),
            ..Style::default()
        };
        // The nearest says first. A heading's outline level is its own
        // style's, or a heading style's it is based on.
        for style in &chain {
            out.outline = out.outline.or(style.outline);
            out.centred = out.centred.or(style.centred);
            out.indent_left = out.indent_left.or(style.indent_left);
            out.indent_right = out.indent_right.or(style.indent_right);
            out.numbering = out.numbering.clone().or(style.numbering.clone());
            out.page_break_before = out.page_break_before.or(style.page_break_before);
            out.run = out.run.over(style.run);
        }
        out.based_on = chain.get(1).map(|s| s.name.clone());
        // Names the chain carries (a "Chapter Title" style based on "heading 1").
        if heading_of_name(&out.name).is_none()
            && let Some(level) = chain.iter().find_map(|s| heading_of_name(&s.name))
            && out.outline.is_none()
        {
            out.outline = Some(level);
        }
        out
    }

    pub(super) fn character(&self, id: &str) -> RunLook {
        let mut look = RunLook::default();
        let mut next = Some(id.to_string());
        let mut depth = 0;
        while let Some(id) = next {
            let Some(style) = self.by_id.get(&id) else {
                break;
            };
            look = look.over(style.run);
            next = style.based_on.clone();
            depth += 1;
            if depth > 16 {
                break;
            }
        }
        look
    }
}

pub(super) fn read_paragraph_props(ppr: &Node<'_, '_>, into: &mut Style) {
    if let Some(level) = val(ppr, "outlineLvl").and_then(|v| v.parse::<u8>().ok())
        && level < 9
    {
        into.outline = Some(level + 1);
    }
    if let Some(jc) = val(ppr, "jc") {
        into.centred = Some(jc == "center");
    }
    if let Some(ind) = ppr.children().find(|c| is(c, W, "ind")) {
        let number = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| ind.attribute((W, *n)))
                .and_then(|v| v.parse::<i32>().ok())
        };
        if let Some(left) = number(&["left", "start"]) {
            into.indent_left = Some(left);
        }
        if let Some(right) = number(&["right", "end"]) {
            into.indent_right = Some(right);
        }
    }
    if let Some(num) = ppr.children().find(|c| is(c, W, "numPr")) {
        let id = val(&num, "numId").unwrap_or("0").to_string();
        let level = val(&num, "ilvl").and_then(|l| l.parse().ok()).unwrap_or(0);
        into.numbering = Some((id, level));
    }
    if let Some(b) = toggle(ppr, "pageBreakBefore") {
        into.page_break_before = Some(b);
    }
}

/// `heading 1` → 1; a style named for a chapter's title is a heading too.
pub(super) fn heading_of_name(name: &str) -> Option<u8> {
    let name = name.trim();
    if let Some(n) = name
        .strip_prefix("heading ")
        .or_else(|| name.strip_prefix("heading"))
        .and_then(|n| n.trim().parse::<u8>().ok())
    {
        return Some(n.clamp(1, 9));
    }
    matches!(name, "chapter title" | "chapter heading" | "chapter").then_some(1)
}
