//! Images: each path written in the manuscript looked up once, checked and
//! given a book-wide id; figures pointed at those ids; the cover art.

use super::*;

#[derive(Default)]
pub(super) struct ImageTable {
    pub(super) assets: Vec<ImageAsset>,
    pub(super) by_path: HashMap<String, Option<ImageId>>,
}

impl ImageTable {
    pub(super) fn resolve(
        &mut self,
        project: &Project,
        written: &str,
        span: Span,
        locate: &impl Fn(Span) -> crate::diag::Location,
        diagnostics: &mut Sink,
    ) -> Option<ImageId> {
        if let Some((scheme, _)) = written.split_once("://") {
            let name = written
                .rsplit('/')
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or("image.png");
            diagnostics.push(
                Diagnostic::error(format!("remote images are not fetched: {written}"))
                    .at(Some(locate(span)))
                    .with_hint(format!(
                        "a book carries its images: download it ({scheme}), save it in manuscript/ (e.g. manuscript/images/{name}) and write ![…](images/{name})"
                    )),
            );
            return None;
        }
        // A path is a URL, as a link's is: `my%20map.png` names `my map.png`.
        let path = match resolve_manuscript_path(&links::percent_decode(written)) {
            Ok(path) => path,
            Err(why) => {
                diagnostics.push(
                    Diagnostic::error(format!("image path refused: {written} ({why})"))
                        .at(Some(locate(span)))
                        .with_hint("put images inside manuscript/ and write their path relative to it, e.g. images/map.png"),
                );
                return None;
            }
        };
        if let Some(known) = self.by_path.get(&path) {
            return *known;
        }
        let result = match project.get(&path) {
            None => {
                diagnostics.push(
                    Diagnostic::error(format!("image not found: {written}"))
                        .at(Some(locate(span)))
                        .with_hint("paths are relative to manuscript/"),
                );
                None
            }
            Some(bytes) => match images::check(&path, Arc::from(bytes)) {
                Ok(asset) => {
                    self.assets.push(asset);
                    Some(ImageId(self.assets.len() as u32 - 1))
                }
                Err(problem) => {
                    diagnostics.push(
                        Diagnostic::error(problem.message)
                            .at(Some(locate(span)))
                            .with_hint(problem.hint),
                    );
                    None
                }
            },
        };
        self.by_path.insert(path, result);
        result
    }
}

/// Rewrites parse-local image indexes to book-wide ids, at any depth.
pub(super) fn map_figures(block: &mut Block, local_to_global: &[Option<ImageId>]) {
    crate::model::walk_blocks_mut(std::slice::from_mut(block), &mut |block| {
        if let BlockKind::Figure { image, .. } = &mut block.kind
            && let Some(Some(global)) = local_to_global.get(image.0 as usize)
        {
            *image = *global;
        }
    });
}

/// The cover art: named in book.toml, or the one image in `cover/`.
pub(super) fn cover_art(
    project: &Project,
    config: &Config,
    diagnostics: &mut Sink,
) -> Option<ImageAsset> {
    let (path, location) = match &config.cover_image {
        Some(named) => {
            let path = format!("{COVER_DIR}/{}", named.written.trim_start_matches("cover/"));
            if !project.contains(&path) || named.written.contains("..") {
                diagnostics.push(
                    Diagnostic::error(format!("cover image not found: {}", named.written))
                        .at(Some(named.location.clone()))
                        .with_hint("put the art in cover/ and name it relative to that folder, e.g. image = \"illustration.jpg\""),
                );
                return None;
            }
            (path, Some(named.location.clone()))
        }
        None => {
            let candidates: Vec<&str> = project
                .files_under(COVER_DIR)
                .map(|(p, _)| p)
                .filter(|p| {
                    let lower = p.to_ascii_lowercase();
                    lower.ends_with(".jpg") || lower.ends_with(".jpeg") || lower.ends_with(".png")
                })
                .collect();
            match candidates.as_slice() {
                [] => return None,
                [one] => (one.to_string(), None),
                several => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "cover/ holds {} images and book.toml names none: {}",
                            several.len(),
                            several.join(", ")
                        ))
                        .with_hint(
                            "name the cover art in book.toml: [cover] image = \"illustration.jpg\"",
                        ),
                    );
                    return None;
                }
            }
        }
    };
    let bytes = project.get(&path)?;
    match images::check(&path, Arc::from(bytes)) {
        Ok(asset) => Some(asset),
        Err(problem) => {
            diagnostics.push(
                Diagnostic::error(problem.message)
                    .at(location)
                    .with_hint(problem.hint),
            );
            None
        }
    }
}
