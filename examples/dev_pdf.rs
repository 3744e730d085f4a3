//! Development helper: lays out a project and writes its PDF and dump (no EPUB, no cover).
fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let out = std::env::args()
        .nth(2)
        .unwrap_or_else(|| "/tmp/dev.pdf".into());
    let project = quire::project::Project::load(std::path::Path::new(&dir)).unwrap();
    let t = std::time::Instant::now();
    let (book, warnings) =
        quire::load_book(&project, &quire::Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let t_parse = t.elapsed();
    for w in warnings {
        eprintln!("{w}");
    }
    let fonts = quire::fonts::Fonts::load(&project, &book.fonts).unwrap();
    let t = std::time::Instant::now();
    let mut sink = quire::diag::Sink::new();
    let laid = quire::layout::layout(&book, &fonts, &mut sink).unwrap_or_else(|e| panic!("{e}"));
    let t_layout = t.elapsed();
    for w in sink.iter() {
        eprintln!("{w}");
    }
    let t = std::time::Instant::now();
    let pdf = quire::pdf::write(&book, &laid.pages, &fonts).unwrap();
    let t_pdf = t.elapsed();
    std::fs::write(&out, &pdf).unwrap();
    std::fs::write(format!("{out}.dump.txt"), &laid.dump).unwrap();
    println!("{}", laid.report);
    println!(
        "parse {t_parse:?} layout {t_layout:?} pdf {t_pdf:?} size {}",
        pdf.len()
    );
}
