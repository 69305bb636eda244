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
# Logic lives in `govreport/`; each cell below displays parts of the report (`import govreport as gr`).

# %% tags=["parameters"]
agency_id = "hongsibu-gov-office"
year = 2022
data_dir = None  # None: the project's data/, found from the working directory (the build sets it)
charts = True  # False: a report without charts
title_form = "年"  # how the title writes the year: "年" (2022年…) or "年度" (2022年度…)

# %%
import govreport as gr

r = gr.load_report(data_dir, int(year), agency_id, title_form)
display(r.header)

# %%
display(r.narrative["1"], r.narrative["summary"])
if charts:
    display(r.charts["yoy"])

# %%
display(r.tables["2"])

# %%
display(r.tables["3"])
if charts:
    display(r.charts["outcomes"])

# %%
display(r.tables["4"])

# %%
display(r.narrative["5"], r.narrative["6"])

# %%
display(r.results())
