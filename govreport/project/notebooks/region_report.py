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
# # 政府信息公开工作年度报告 (the region's 汇总 report, one year)
# Run by `govreport build` through papermill when data/<year>/region.csv exists; only cell outputs reach the HTML.
# Its tables are the sums over the region's agencies (all, or one group); logic lives in `govreport/region.py`.

# %% tags=["parameters"]
year = 2022
data_dir = None  # None: the project's data/, found from the working directory (the build sets it)
group = ""  # "": the group region.csv names (blank there: every agency); else only the agencies of this group

# %%
from govreport import region

r = region.load(data_dir, int(year), group or None)
display(r.header)

# %%
display(r.narrative["1"], r.narrative["summary"], r.charts["yoy"])

# %%
display(r.tables["2"])

# %%
display(r.tables["3"], r.charts["outcomes"])

# %%
display(r.tables["4"])

# %%
display(r.narrative["5"], r.narrative["6"])

# %% [markdown]
# After the official report: the analyst's overview (附：分析概览), marked as outside the national format.

# %%
from govreport import overview

display(overview.load(data_dir, int(year), group or None))

# %%
display(r.results())
