"""Dutch collection law: WIK collection costs, statutory interest, allocation, the 14-day
letter, prescription and the written demands that interrupt it. Pure functions; dates and
settings come in as arguments."""
