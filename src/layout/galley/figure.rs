//! Figures: the image scaled to the measure and the room of a page, its
//! caption, and its resolution at that size.

use super::*;

impl GalleyBuilder<'_, '_, '_> {
    pub(super) fn figure(
        &mut self,
        block: &Block,
        image: ImageId,
        caption: &[crate::model::Inline],
        level: Nesting,
        out: &mut Vec<VItem>,
    ) {
        let Some(asset) = self.book.images.get(image.0 as usize) else {
            return;
        };
        let decorative = matches!(
            &block.kind,
            BlockKind::Figure {
                decorative: true,
                ..
            }
        );
        let (x, measure) = self.measure_at(level);
        let leading = self.geometry.leading;
        let look = self.scale.looks.caption;
        let caption_style = self.para(look.style, look.size, look.align, measure);
        let caption_lines = self.setter.set(caption, &caption_style);
        // Natural size: one pixel per point; never wider than the measure nor taller than a page.
        let max_height = leading * (self.geometry.lines as f64 - caption_lines.len() as f64 - 2.0);
        let mut width = Pt(asset.width as f64).min(measure);
        let mut height = width * (asset.height as f64 / asset.width as f64);
        if height.0 > max_height.0 {
            height = max_height;
            width = height * (asset.width as f64 / asset.height as f64);
        }
        let dpi = asset.width as f64 / width.inches();
        if dpi < 300.0 {
            self.low_resolution.push((image, dpi));
        }
        let lines = (height.0 / leading.0).ceil() as u32;
        out.push(VItem::space(1, true, 0.0));
        out.push(VItem {
            content: Content::Figure {
                image,
                x: x + (measure - width) / 2.0,
                width,
                height,
            },
            role: Role::Other,
            lines,
            discardable: false,
            break_after: if caption_lines.is_empty() {
                0.0
            } else {
                INFINITY
            },
            pos: Some(TextPos {
                block: block.id,
                offset: 0,
            }),
            para: None,
            mark: if decorative {
                Mark::Artifact
            } else {
                Mark::Block(block.id, Part::Text)
            },
        });
        let count = caption_lines.len();
        for (i, line) in caption_lines.into_iter().enumerate() {
            out.push(VItem {
                pos: Some(TextPos {
                    block: block.id,
                    offset: line.start,
                }),
                content: Content::Text {
                    line,
                    x,
                    dy: Pt::ZERO,
                },
                role: Role::Other,
                lines: 1,
                discardable: false,
                break_after: if i + 1 == count { 0.0 } else { INFINITY },
                para: None,
                mark: Mark::Block(block.id, Part::Caption),
            });
        }
        out.push(VItem::space(1, true, 0.0));
    }
}
