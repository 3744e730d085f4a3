//! PDF/X-4 for the interior, when `print.pdf-x` asks for it: printpdf's
//! conformance setting adds the output intent (Coated FOGRA39, CMYK) and the
//! XMP packet; quire then replaces that packet with one written from the
//! book (escaped, and with reproducible document and instance ids), sets the
//! file's version to 1.6 and keeps images grey, since PDF/X-4 with a CMYK
//! output intent does not take DeviceRGB. What it does not guarantee: any
//! RGB cover art, and colour management beyond the grey interior.

use lopdf::{Object, Stream};

use crate::model::Book;

/// Marks the document as PDF/X-4 before printpdf serialises it.
pub fn declare(doc: &mut printpdf::PdfDocument) {
    doc.metadata.info.conformance = printpdf::PdfConformance::X4_2010_PDF_1_4;
    doc.metadata.info.trapped = false;
}

/// Finishes the serialised document: the XMP packet and version for PDF/X,
/// and no empty `GTS_PDFXVersion` in a plain PDF.
pub fn finish(objects: &mut lopdf::Document, book: &Book, pdf_x: bool) {
    if let Ok(info) = objects.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(Object::Dictionary(dict)) = objects.get_object_mut(info)
    {
        if pdf_x {
            dict.set("GTS_PDFXVersion", Object::string_literal("PDF/X-4"));
            dict.set("Trapped", Object::Name(b"False".to_vec()));
        } else {
            dict.remove(b"GTS_PDFXVersion");
        }
    }
    if !pdf_x {
        return;
    }
    objects.version = "1.6".to_string();
    let packet = xmp(book);
    for object in objects.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.dict.get(b"Type").and_then(Object::as_name).ok()
                == Some(b"Metadata".as_slice())
        {
            // XMP stays uncompressed so preflight tools can read it.
            *stream = Stream::new(stream.dict.clone(), packet.clone().into_bytes())
                .with_compression(false);
            stream.dict.remove(b"Filter");
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The XMP packet of a PDF/X-4 interior.
fn xmp(book: &Book) -> String {
    let meta = &book.meta;
    let date = &meta.modified;
    let id = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, meta.print_identifier.as_bytes());
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
    xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
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
   <pdf:Trapped>False</pdf:Trapped>
   <pdfx:GTS_PDFXVersion>PDF/X-4</pdfx:GTS_PDFXVersion>
   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        title = escape(&meta.full_title()),
        author = escape(&meta.author_line()),
        version = env!("CARGO_PKG_VERSION"),
    )
}
