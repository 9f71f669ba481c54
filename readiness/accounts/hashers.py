"""The hash of an initial password.

Key stretching (a million PBKDF2 rounds, a third of a second a password) guards
passwords people choose, which are guessable. An initial password is generated:
69 random bits, that no number of guesses at any speed finds, and it lives only
until its first use. A thousand rounds make a county's printed sheet of several
hundred accounts a matter of a second instead of minutes; the holder's own
password, set at first login, is hashed with the default hasher again."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class InitialPasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_initial"
    iterations = 1000
