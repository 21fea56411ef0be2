"""Identity of portal users: the national unified login (SAML 2.0) and who a person acts as."""
