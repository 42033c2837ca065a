"""A hand-made report document with every kind of block, for the renderer tests."""

from __future__ import annotations

from datetime import date

from wenzeng.reports.document import (
    Chart,
    ChartSeries,
    Document,
    Fig,
    Heading,
    Paragraph,
    Source,
    Table,
    Text,
)


def _source(
    ref: int, indicator_name: str, period: str, label: str, value: float, text: str
) -> Source:
    return Source(
        ref=ref,
        indicator="revenue_elec",
        indicator_name=indicator_name,
        entity="CN",
        entity_name="全国",
        period=period,
        period_label=label,
        measure="yoy_pct",
        value=value,
        value_text=text,
        vintage=date(2024, 10, 30),
        source_title="2024年1-9月电子信息制造业运行情况",
        source_url="https://www.miit.gov.cn/example",
        simulated=False,
    )


def sample_document(lang: str = "zh") -> Document:
    zh = lang == "zh"
    sources = (
        _source(1, "规模以上电子信息制造业营业收入", "2024-01~09", "2024年1-9月", 7.5, "7.5%"),
        _source(2, "规模以上电子信息制造业利润总额", "2024-01~09", "2024年1-9月", 7.1, "7.1%"),
    )
    months = tuple(f"2024年{m}月" if zh else f"{m}/2024" for m in range(1, 10))
    blocks = (
        Heading(1, "一、总体运行情况" if zh else "1. Overall"),
        Paragraph(
            (
                Text(
                    "1—9月，规模以上电子信息制造业实现营业收入同比增长"
                    if zh
                    else "Revenue grew by "
                ),
                Fig("7.5%", 1, 7.5),
                Text("，利润总额同比增长" if zh else ", profit by "),
                Fig("7.1%", 2, 7.1),
                Text("。" if zh else "."),
            )
        ),
        Heading(2, "（一）生产" if zh else "1.1 Production"),
        Table(
            code="headline",
            caption="表1 主要指标" if zh else "Table 1 Key figures",
            header=("指标", "1—9月", "同比(%)") if zh else ("Indicator", "Jan–Sep", "YoY (%)"),
            rows=(
                ((Text("营业收入（万亿元）"),), (Fig("11.49", 1, 11.49),), (Fig("7.5", 1, 7.5),)),
                ((Text("利润总额（亿元）"),), (Fig("4503", 2, 4503.0),), (Fig("7.1", 2, 7.1),)),
            ),
            numeric=(False, True, True),
            note="资料来源：工业和信息化部。" if zh else "Source: MIIT.",
        ),
        Chart(
            code="revenue_growth",
            caption="图1 营业收入累计增速（%）" if zh else "Figure 1 Revenue growth (%)",
            kind="line",
            categories=months,
            series=(
                ChartSeries(
                    "营业收入增速" if zh else "Revenue",
                    (5.0, 6.1, 7.0, None, 7.8, 7.7, 7.6, 7.7, 7.5),
                ),
                ChartSeries(
                    "利润增速" if zh else "Profit",
                    (20.1, 25.0, 30.2, 28.1, 26.0, 22.1, 20.0, 22.1, 7.1),
                ),
            ),
            y_label="%",
            reference=5.0,
        ),
        Chart(
            code="regions",
            caption="图2 分地区营业收入增速（%）"
            if zh
            else "Figure 2 Revenue growth by region (%)",
            kind="barh",
            categories=("东部地区", "中部地区", "西部地区", "东北地区")
            if zh
            else ("East", "Central", "West", "Northeast"),
            series=(ChartSeries("1—9月" if zh else "Jan–Sep", (10.2, 8.5, -5.4, None)),),
            y_label="%",
        ),
        Paragraph(
            (Text("东北地区1—9月数据尚未发布。" if zh else "No data for the Northeast yet."),),
            "missing",
        ),
        Paragraph((Text("注：增速按可比口径计算。" if zh else "Note: comparable basis."),), "note"),
    )
    return Document(
        kind="quarterly",
        lang="zh" if zh else "en",
        title="2024年第三季度电子信息制造业运行情况"
        if zh
        else "Electronic information manufacturing, 2024 Q3",
        subtitle="2024年第三季度" if zh else "2024 Q3",
        issuer="工业和信息化部电子信息司" if zh else "MIIT, Department of Electronic Information",
        date_text="数据截至2024年11月30日" if zh else "Data as of 30 Nov 2024",
        as_of=date(2024, 11, 30),
        period="2024-Q3",
        blocks=blocks,
        sources=sources,
    )
