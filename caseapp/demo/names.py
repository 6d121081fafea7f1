"""Name parts for synthetic people: common given names and family names, combined at random.

Combinations are generated, so no row describes a real person.
"""
GIVEN_NAMES = [
    "Emma", "Nora", "Sofie", "Ella", "Olivia", "Ingrid", "Sara", "Maja", "Leah", "Frida",
    "Hedda", "Thea", "Iben", "Selma", "Vilde", "Tiril", "Mathilde", "Aurora", "Live", "Amalie",
    "Jakob", "Noah", "Emil", "Lucas", "Oliver", "Filip", "Aksel", "Henrik", "Isak", "Magnus",
    "Sander", "Elias", "Tobias", "Mathias", "Jonas", "Sindre", "Even", "Kasper", "Ola", "Håkon",
    "Bjørn", "Øyvind", "Åse", "Sølvi", "Ørjan", "Tønnes", "Gaute", "Torjus", "Aslak", "Tuva",
]
FAMILY_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen",
    "Lie", "Tveit", "Øvrebø", "Åsland", "Kjærvik", "Frøysland", "Tjomsland", "Vigeland",
]
MINORITY_GIVEN_NAMES = [
    "Amina", "Fatima", "Hodan", "Ayaan", "Saido", "Leila", "Mariam", "Zahra", "Rahel", "Senait",
    "Agnieszka", "Kasia", "Olena", "Nour", "Yasmin", "Hawa", "Deqa", "Samira", "Shirin", "Parwin",
    "Ahmed", "Mohamed", "Abdi", "Yonas", "Dawit", "Omar", "Ali", "Hassan", "Piotr", "Tomasz",
    "Bilal", "Karim", "Mustafa", "Samir", "Tesfay", "Goitom", "Andriy", "Rami", "Jamal", "Idris",
]
MINORITY_FAMILY_NAMES = [
    "Ahmed", "Mohamed", "Ali", "Hassan", "Abdi", "Hussein", "Osman", "Yusuf", "Warsame", "Farah",
    "Tesfaye", "Gebremedhin", "Haile", "Kidane", "Nowak", "Kowalski", "Wiśniewska", "Kovalenko",
    "Shevchenko", "Rahimi", "Karimi", "Hosseini", "Haddad", "Khalil", "Nguyen", "Tran", "Ibrahim",
]
