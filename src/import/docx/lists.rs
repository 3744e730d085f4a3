//! Numbered and bulleted paragraphs gathered into lists, nested by their
//! level and indent.

use super::*;

/// An open list while items are added: its kind and items.
pub(super) struct ListFrame {
    pub(super) ordered: bool,
    pub(super) start: u32,
    pub(super) items: Vec<Vec<Block>>,
}

/// Adds an item at `level`, opening and closing nested lists as the levels say.
pub(super) fn add_item(
    list: &mut Vec<ListFrame>,
    level: usize,
    ordered: bool,
    number: u32,
    blocks: Vec<Block>,
) {
    let level = level.min(8);
    while list.len() > level + 1 {
        close_one(list);
    }
    if list.len() == level + 1 && list[level].ordered != ordered {
        close_one(list);
    }
    while list.len() < level + 1 {
        list.push(ListFrame {
            ordered,
            start: number,
            items: Vec::new(),
        });
    }
    list.last_mut().expect("a list").items.push(blocks);
}

/// Closes the innermost list into the last item of the one around it.
pub(super) fn close_one(list: &mut Vec<ListFrame>) {
    let Some(frame) = list.pop() else {
        return;
    };
    let block = Block::List {
        ordered: frame.ordered,
        start: frame.start,
        items: frame.items,
    };
    match list.last_mut() {
        Some(parent) => match parent.items.last_mut() {
            Some(item) => item.push(block),
            None => parent.items.push(vec![block]),
        },
        None => list.push(ListFrame {
            ordered: false,
            start: 0,
            items: vec![vec![block]],
        }),
    }
}

/// Closes every open list; the outermost as a block.
pub(super) fn close_lists(list: &mut Vec<ListFrame>) -> Option<Block> {
    if list.is_empty() {
        return None;
    }
    while list.len() > 1 {
        close_one(list);
    }
    let frame = list.pop()?;
    if frame.start == 0 && frame.items.len() == 1 && frame.items[0].len() == 1 {
        // A list closed past the top (a nested list with no parent item).
        return frame.items.into_iter().next()?.into_iter().next();
    }
    Some(Block::List {
        ordered: frame.ordered,
        start: frame.start.max(1),
        items: frame.items,
    })
}
