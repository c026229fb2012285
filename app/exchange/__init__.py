"""The county exchange (区县上报): signed, encrypted packages from schools to the county centre, the centre's
register and district view, and archive transfer between schools (档案转接). The format is in
``docs/exchange-format.md``."""
