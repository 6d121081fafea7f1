"""Staff accounts: users, their roles and unit memberships, passwords."""
