"""Writes the corpus's text PDFs with fpdf2: `python tests/ingest_corpus/make_pdf.py`.

zinc-air-battery-market.pdf has the layout of a typical report PDF: a cover block with metadata lines, a
running header and page numbers, numbered section headings in a larger bold font, justified paragraphs
wrapped at the page width, bullet lists and a ruled table. separator-market-report.pdf has its metadata in
one line between separators and a table of aligned columns without rules. The text is invented test content
(see README.md).
"""

from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).parent


class Report(FPDF):
    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 6, "Zinc-Air Battery Market Report | Halden & Rowe Research", align="R")
            self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 10, f"Page {self.page_no()}", align="C")


def heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)


def paragraph(pdf: FPDF, text: str) -> None:
    pdf.multi_cell(0, 5, text, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def bullets(pdf: FPDF, items: list[str]) -> None:
    for item in items:
        pdf.multi_cell(0, 5, f"- {item}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def zinc_air() -> None:
    pdf = Report()
    pdf.set_title("Zinc-Air Battery Market Report 2025-2031")
    pdf.set_creation_date(__import__("datetime").datetime(2025, 3, 1, tzinfo=__import__("datetime").timezone.utc))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 10, "Zinc-Air Battery Market Report 2025-2031", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 10)
    for line in ("Publisher: Halden & Rowe Research", "Report ID: ZA-2291", "Published: March 2025", "Pages: 142"):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    heading(pdf, "1. Executive Summary")
    paragraph(
        pdf,
        "The global zinc-air battery market was valued at USD 1.24 billion in 2024 and is projected to reach "
        "USD 2.07 billion by 2031, expanding at a CAGR of 7.6% over the forecast period. Hearing aids remain the "
        "core application, while grid-scale zinc-air systems are moving from pilots to first commercial orders. "
        "Europe dominated the zinc-air battery market in 2024, supported by a dense base of hearing-aid makers.",
    )
    heading(pdf, "2. Regional Analysis")
    paragraph(pdf, "Table 2.1: Zinc-air battery market share by region, 2024 (%)")
    with pdf.table(col_widths=(50, 35, 85), text_align="LEFT") as table:
        for row in (
            ("Region", "Share (%)", "Key countries"),
            ("Asia-Pacific", "38", "China, Japan, India"),
            ("Europe", "27", "Germany, United Kingdom, Switzerland"),
            ("North America", "24", "United States, Canada"),
            ("Rest of the World", "11", "Brazil, South Africa"),
        ):
            cells = table.row()
            for cell in row:
                cells.cell(cell)
    pdf.ln(4)
    paragraph(
        pdf,
        "Asia-Pacific is also the fastest-growing region. China alone is expected to add more than USD 180 "
        "million of annual sales by 2031 as primary zinc-air cells replace silver-oxide button cells.",
    )
    pdf.add_page()
    heading(pdf, "3. Competitive Landscape")
    paragraph(pdf, "The report profiles the following manufacturers:")
    bullets(pdf, ["Varta AG", "Duracell", "Energizer Holdings", "Panasonic Energy", "Zinc8 Energy Solutions"])
    paragraph(
        pdf,
        "Varta AG, the largest supplier of hearing-aid cells, reported zinc-air revenues of approximately "
        "EUR 310 million in 2024. Panasonic Energy supplies button cells from its plants in Japan and "
        "Indonesia, and Zinc8 Energy Solutions develops zinc-air systems for long-duration storage.",
    )
    heading(pdf, "4. Methodology")
    paragraph(
        pdf,
        "Estimates combine shipment data, interviews with manufacturers and distributor price checks. All "
        "values are in nominal US dollars unless stated otherwise.",
    )
    pdf.output(str(HERE / "zinc-air-battery-market.pdf"))


def separator() -> None:
    pdf = FPDF()
    pdf.set_creation_date(__import__("datetime").datetime(2025, 7, 1, tzinfo=__import__("datetime").timezone.utc))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(
        0, 9, "Lithium-Ion Battery Separator Market - Industry Report 2025-2031", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0, 6, "Publisher: Fenwick Materials Research   |   Report ID: FMR-SEP-1107   |   Published: July 2025",
        new_x="LMARGIN", new_y="NEXT",
    )  # fmt: skip
    pdf.ln(4)
    heading(pdf, "1. Executive Summary")
    paragraph(
        pdf,
        "The global lithium-ion battery separator market was valued at USD 6.7 billion in 2024 and is projected "
        "to reach USD 19.4 billion by 2031, registering a CAGR of 16.4% over the forecast period. Wet-process "
        "separators accounted for 71% of revenue in 2024.",
    )
    heading(pdf, "2. Regional Analysis")
    paragraph(pdf, "Table 2: Separator market by region, 2024 and 2031 (USD million)")
    for region, *values in (
        ("Region", "2024", "2031", "CAGR"),
        ("Asia Pacific", "4,690", "13,970", "16.9%"),
        ("North America", "1,010", "3,120", "17.5%"),
        ("Europe", "850", "2,040", "13.3%"),
        ("Rest of World", "150", "270", "8.8%"),
    ):
        pdf.cell(60, 6, region)
        for value in values:
            pdf.cell(30, 6, value, align="R")
        pdf.ln(6)
    pdf.ln(3)
    heading(pdf, "3. Competitive Landscape")
    paragraph(
        pdf,
        "The market is concentrated. Leading suppliers include Asahi Kasei, Toray Industries, SK IE Technology, "
        "SEMCORP, Senior Technology Material and Entek International. Asahi Kasei owns Celgard, which it "
        "acquired in 2015.",
    )
    pdf.output(str(HERE / "separator-market-report.pdf"))


if __name__ == "__main__":
    zinc_air()
    separator()
