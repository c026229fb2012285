"""The monthly "心育" closed loop (每月心育闭环): a checklist per month in four ledgers, computed items evaluated from
the indicators, manual items ticked with a note and an attachment, the leadership group's monthly meeting, the
yearly key-work list, closing with carry-over, amendments and sign-off, and the month summary PDF."""
