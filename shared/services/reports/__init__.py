"""Reports of the console: tidy tables (one row per fact, codes and typed cells) computed
from the same records the API serves, written in the asker's language (:mod:`.words`) as CSV
for Power BI, CSV for Excel or as Excel (into the client's own workbook when it uploaded one)."""
