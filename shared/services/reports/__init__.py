"""Reports of the console: tidy tables (one row per fact, ISO dates, decimal point) computed
from the same records the API serves, written as CSV for Power BI or as Excel (into the
client's own workbook when it uploaded one)."""
