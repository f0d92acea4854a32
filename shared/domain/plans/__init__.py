"""Payment plans (betalingsregelingen): the schedule, the client's rules, and what the
payments made so far mean for each installment. Pure rules; storage and timers live in the
services."""
