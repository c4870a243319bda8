"""Sign-in through the State's identity federations (OpenID Connect): ProConnect for the staff,
ÉduConnect for students. Authlib's Django client does the protocol (discovery, state, nonce,
PKCE, the id_token's signature); this package decides which Milieu account a person is, and
never creates one."""
