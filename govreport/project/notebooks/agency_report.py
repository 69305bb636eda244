# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 政府信息公开工作年度报告 (one agency, one year)
# Run by `govreport run` / `govreport build` through papermill; only cell outputs reach the HTML.
# Logic lives in `govreport/`; each cell below shows one part of the report.

# %% tags=["parameters"]
agency_id = "hongsibu-gov-office"
year = 2022
data_dir = None  # None: the project's data/, found from the working directory (the build sets it)
charts = True  # False: a report without charts
title_form = "年"  # how the title writes the year: "年" (2022年…) or "年度" (2022年度…)

# %%
from govreport import charts as plots
from govreport import report as gr

r = gr.load(agency_id, int(year), data_dir, title_form)
gr.show(gr.header_html(r))

# %%
gr.show(gr.text_section_html(r, "1"))
gr.show(gr.summary_html(r))
if charts:
    plots.show(plots.yoy_chart(r.cur, r.prev))

# %%
gr.show(gr.table_section_html(r, "2"))

# %%
gr.show(gr.table_section_html(r, "3"))
if charts:
    plots.show(plots.outcomes_chart(r.cur))

# %%
gr.show(gr.table_section_html(r, "4"))

# %%
gr.show(gr.text_section_html(r, "5"))
gr.show(gr.text_section_html(r, "6"))

# %%
gr.publish_results(r)
