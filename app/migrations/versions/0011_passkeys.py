"""0011, after 0010 (2026-12-07): passkeys (WebAuthn credentials) and their single-use
challenges; on each user whether a passkey is set up, and the random handle its passkeys
carry."""
import sqlalchemy as sa
from alembic import op

from app.models import UTCDateTime

revision = "0011"
down_revision = "0010"


def upgrade():
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('passkey_enabled', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('passkey_handle', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_user_passkey_handle', ['passkey_handle'])
    with op.batch_alter_table('user') as batch:
        batch.alter_column('passkey_enabled', existing_type=sa.Boolean(), server_default=None)

    op.create_table(
        'passkey',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('credential_id', sa.String(length=1400), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('sign_count', sa.Integer(), nullable=False),
        sa.Column('backup_eligible', sa.Boolean(), nullable=False),
        sa.Column('backed_up', sa.Boolean(), nullable=False),
        sa.Column('transports', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('credential_id'))
    with op.batch_alter_table('passkey') as batch:
        batch.create_index(batch.f('ix_passkey_user_id'), ['user_id'])

    op.create_table(
        'passkeychallenge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('challenge_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('used_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('challenge_hash'))
    with op.batch_alter_table('passkeychallenge') as batch:
        batch.create_index(batch.f('ix_passkeychallenge_user_id'), ['user_id'])
        batch.create_index(batch.f('ix_passkeychallenge_expires_at'), ['expires_at'])


def downgrade():
    op.drop_table('passkeychallenge')
    op.drop_table('passkey')
    with op.batch_alter_table('user') as batch:
        batch.drop_constraint('uq_user_passkey_handle', type_='unique')
        batch.drop_column('passkey_handle')
        batch.drop_column('passkey_enabled')
