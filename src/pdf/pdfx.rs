//! PDF/X for the print files, when `print.pdf-x` asks for it, the XMP
//! packet every PDF carries (its PDF/UA-1 identification, and PDF/X's in the
//! same packet), and the page labels every interior carries.
//!
//! printpdf's PDF/X-4 conformance setting adds the output intent (Coated
//! FOGRA39, CMYK, its ICC profile embedded) and an XMP packet; quire then
//! corrects the intent's profile key (printpdf 0.12.8 writes
//! `/DestinationOutputProfile`, PDF's name is `/DestOutputProfile`, ISO
//! 32000-1 table 365), replaces the packet with one written from the book
//! (escaped, reproducible document and instance ids) and sets the file's
//! version and identification for the standard asked: PDF/X-4:2010 (1.6) or
//! PDF/X-1a:2001 (1.3). The writer keeps what each standard forbids out of
//! the pages: DeviceRGB (grey interior, CMYK cover) and, for X-1a, any
//! transparency (images composited on white).

use lopdf::{Dictionary, Object, Stream};

use crate::model::{Book, PdfX};

/// Asks printpdf for the output intent and the XMP packet `finish` completes.
pub fn declare(doc: &mut printpdf::PdfDocument) {
    doc.metadata.info.conformance = printpdf::PdfConformance::X4_2010_PDF_1_4;
    doc.metadata.info.trapped = false;
}

/// Finishes the serialised document: the output intent's profile key, the
/// XMP packet, identification and version for PDF/X, and no empty
/// `GTS_PDFXVersion` in a plain PDF.
pub fn finish(
    objects: &mut lopdf::Document,
    book: &Book,
    pdf_x: Option<PdfX>,
    kind: super::Document,
) {
    if let Ok(info) = objects.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(Object::Dictionary(dict)) = objects.get_object_mut(info)
    {
        match pdf_x {
            Some(standard) => {
                dict.set(
                    "GTS_PDFXVersion",
                    Object::string_literal(standard.version()),
                );
                if standard == PdfX::X1a {
                    dict.set(
                        "GTS_PDFXConformance",
                        Object::string_literal("PDF/X-1a:2001"),
                    );
                }
                dict.set("Trapped", Object::Name(b"False".to_vec()));
            }
            None => {
                dict.remove(b"GTS_PDFXVersion");
            }
        }
    }
    if let Some(standard) = pdf_x {
        objects.version = match standard {
            PdfX::X4 => "1.6",
            PdfX::X1a => "1.3",
        }
        .to_string();
        correct_output_intent(objects);
    } else {
        // Tagged PDF as PDF/UA-1 reads it: ISO 32000-1.
        objects.version = "1.7".to_string();
    }
    // One XMP packet makes every claim: PDF/UA, and PDF/X when it is on.
    let stale: Vec<lopdf::ObjectId> = objects
        .objects
        .iter()
        .filter(|(_, object)| {
            matches!(object, Object::Stream(stream)
                if stream.dict.get(b"Type").and_then(Object::as_name).ok()
                    == Some(b"Metadata".as_slice()))
        })
        .map(|(id, _)| *id)
        .collect();
    for id in stale {
        objects.objects.remove(&id);
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Metadata".to_vec()));
    dict.set("Subtype", Object::Name(b"XML".to_vec()));
    // XMP stays uncompressed so preflight tools and checkers can read it.
    let stream = Stream::new(dict, xmp(book, pdf_x, kind).into_bytes()).with_compression(false);
    let metadata = objects.add_object(Object::Stream(stream));
    if let Ok(catalog) = objects.catalog_mut() {
        catalog.set("Metadata", Object::Reference(metadata));
    }
}

/// Renames the output intent's `/DestinationOutputProfile` to PDF's
/// `/DestOutputProfile`, wherever printpdf put the intent.
fn correct_output_intent(objects: &mut lopdf::Document) {
    let rename = |intent: &mut Dictionary| {
        if let Ok(profile) = intent.remove(b"DestinationOutputProfile").ok_or(()) {
            intent.set("DestOutputProfile", profile);
        }
    };
    let Ok(catalog) = objects.catalog_mut() else {
        return;
    };
    let mut referenced = Vec::new();
    if let Ok(Object::Array(intents)) = catalog.get_mut(b"OutputIntents") {
        for intent in intents.iter_mut() {
            match intent {
                Object::Dictionary(dict) => rename(dict),
                Object::Reference(id) => referenced.push(*id),
                _ => {}
            }
        }
    }
    for id in referenced {
        if let Ok(Object::Dictionary(dict)) = objects.get_object_mut(id) {
            rename(dict);
        }
    }
}

/// `/PageLabels` as the folios read: a range per run of lower-case roman or
/// arabic folios counting up by one (a folio that is neither, or a break in
/// the count, starts a new range), so a viewer shows "iii" and "12" where
/// the page prints them.
pub fn page_labels(objects: &mut lopdf::Document, folios: &[String]) {
    let mut nums = Vec::new();
    let mut previous: Option<(LabelStyle, usize)> = None;
    for (index, folio) in folios.iter().enumerate() {
        let label = LabelStyle::of(folio);
        let continues = matches!((previous, label), (Some((style, n)), Some((this, m))) if style == this && m == n + 1);
        if !continues {
            let mut range = Dictionary::new();
            match label {
                Some((style, start)) => {
                    range.set("S", Object::Name(style.name().to_vec()));
                    if start != 1 {
                        range.set("St", Object::Integer(start as i64));
                    }
                }
                None if !folio.is_empty() => {
                    range.set("P", Object::string_literal(folio.as_str()));
                }
                None => {}
            }
            nums.push(Object::Integer(index as i64));
            nums.push(Object::Dictionary(range));
        }
        previous = label;
    }
    if nums.is_empty() {
        return;
    }
    let mut tree = Dictionary::new();
    tree.set("Nums", Object::Array(nums));
    let id = objects.add_object(Object::Dictionary(tree));
    if let Ok(catalog) = objects.catalog_mut() {
        catalog.set("PageLabels", Object::Reference(id));
    }
}

/// How a folio counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelStyle {
    Arabic,
    LowerRoman,
}

impl LabelStyle {
    fn name(self) -> &'static [u8] {
        match self {
            LabelStyle::Arabic => b"D",
            LabelStyle::LowerRoman => b"r",
        }
    }

    /// The folio's style and number, when it is a plain number.
    fn of(folio: &str) -> Option<(LabelStyle, usize)> {
        if !folio.is_empty() && folio.bytes().all(|b| b.is_ascii_digit()) {
            return folio
                .parse()
                .ok()
                .filter(|&n| n > 0)
                .map(|n| (LabelStyle::Arabic, n));
        }
        let n = roman_value(folio)?;
        (crate::layout::roman(n) == folio).then_some((LabelStyle::LowerRoman, n))
    }
}

/// The value of a lower-case roman numeral (checked by writing it back).
fn roman_value(text: &str) -> Option<usize> {
    let digit = |c: char| match c {
        'i' => Some(1),
        'v' => Some(5),
        'x' => Some(10),
        'l' => Some(50),
        'c' => Some(100),
        'd' => Some(500),
        'm' => Some(1000),
        _ => None,
    };
    let values: Vec<i64> = text.chars().map(digit).collect::<Option<_>>()?;
    // A digit before a greater one is taken away ("iv", "xc").
    let total: i64 = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if values.get(i + 1).is_some_and(|&next| next > v) {
                -v
            } else {
                v
            }
        })
        .sum();
    usize::try_from(total).ok().filter(|&n| n > 0)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The XMP packet: the document's title, author and dates, its PDF/UA-1
/// identification, and the PDF/X identification when it is on.
fn xmp(book: &Book, pdf_x: Option<PdfX>, kind: super::Document) -> String {
    let meta = &book.meta;
    let date = &meta.modified;
    // The interior and the cover are two documents: two ids.
    let id = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{}{kind:?}", meta.print_identifier).as_bytes(),
    );
    let instance = uuid::Uuid::new_v5(&id, date.as_bytes());
    format!(
        r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"{pdfx_namespaces}>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <xmp:CreatorTool>quire</xmp:CreatorTool>
   <xmpMM:DocumentID>uuid:{id}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{instance}</xmpMM:InstanceID>
   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>
   <xmpMM:VersionID>1</xmpMM:VersionID>
   <pdf:Producer>quire {version}</pdf:Producer>
   <pdfuaid:part>1</pdfuaid:part>{pdfx}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        title = escape(&meta.full_title()),
        author = escape(&meta.author_line()),
        version = env!("CARGO_PKG_VERSION"),
        pdfx_namespaces = if pdf_x.is_some() {
            "\n    xmlns:pdfx=\"http://ns.adobe.com/pdfx/1.3/\"\n    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\""
        } else {
            ""
        },
        pdfx = match pdf_x {
            Some(standard) => format!(
                "\n   <pdf:Trapped>False</pdf:Trapped>\n   <pdfx:GTS_PDFXVersion>{v}</pdfx:GTS_PDFXVersion>{conformance}\n   <pdfxid:GTS_PDFXVersion>{v}</pdfxid:GTS_PDFXVersion>",
                v = standard.version(),
                conformance = match standard {
                    PdfX::X1a =>
                        "\n   <pdfx:GTS_PDFXConformance>PDF/X-1a:2001</pdfx:GTS_PDFXConformance>",
                    PdfX::X4 => "",
                },
            ),
            None => String::new(),
        },
    )
}
