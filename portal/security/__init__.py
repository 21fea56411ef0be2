"""Authentication, roles and the filters that apply ``portal.services.access`` everywhere."""
