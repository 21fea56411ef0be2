"""The portal's users: accounts and invitations, what they see, e-service use."""
