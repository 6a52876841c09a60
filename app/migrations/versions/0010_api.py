"""0010, after 0009 (2026-12-07): the API for the firm's own systems and webhooks: API keys,
idempotency keys, webhook endpoints and their deliveries, the key an audit event was made
with, and `updated_at` on the records the API lists with `updated_since`."""
import sqlalchemy as sa
from alembic import op

from app.models import UTCDateTime

revision = "0010"
down_revision = "0009"

# Tables that get `updated_at`, filled with their creation time.
UPDATED = ("company", "user", "document", "questionnaireassignment", "documentrequest",
           "approval")


def upgrade():
    op.create_table(
        'apikey',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.String(length=1000), nullable=False),
        sa.Column('acts_as_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('allowed_ips', sa.String(length=1000), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=True),
        sa.Column('revoked_at', UTCDateTime(), nullable=True),
        sa.Column('last_used_at', UTCDateTime(), nullable=True),
        sa.Column('last_used_ip', sa.String(length=64), nullable=True),
        sa.Column('window_start', sa.Integer(), nullable=False),
        sa.Column('window_count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['acts_as_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
        sa.UniqueConstraint('prefix'))
    with op.batch_alter_table('apikey') as batch:
        batch.create_index(batch.f('ix_apikey_acts_as_id'), ['acts_as_id'])
    op.create_table(
        'idempotencykey',
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('location', sa.String(length=500), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['api_key_id'], ['apikey.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('api_key_id', 'key'))
    op.create_table(
        'webhookendpoint',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('events', sa.String(length=1000), nullable=False),
        sa.Column('secret', sa.String(length=100), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('allow_private', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'webhookdelivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endpoint_id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=40), nullable=False),
        sa.Column('event_type', sa.String(length=60), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', UTCDateTime(), nullable=False),
        sa.Column('locked_until', UTCDateTime(), nullable=True),
        sa.Column('delivered_at', UTCDateTime(), nullable=True),
        sa.Column('failed_at', UTCDateTime(), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhookendpoint.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('endpoint_id', 'event_id'))
    with op.batch_alter_table('webhookdelivery') as batch:
        batch.create_index(batch.f('ix_webhookdelivery_endpoint_id'), ['endpoint_id'])
        batch.create_index(batch.f('ix_webhookdelivery_next_attempt_at'), ['next_attempt_at'])
        batch.create_index(batch.f('ix_webhookdelivery_delivered_at'), ['delivered_at'])
        batch.create_index(batch.f('ix_webhookdelivery_failed_at'), ['failed_at'])

    with op.batch_alter_table('auditevent') as batch:
        batch.add_column(sa.Column('api_key_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_auditevent_api_key_id'), ['api_key_id'])
        batch.create_foreign_key('fk_auditevent_api_key_id_apikey', 'apikey',
                                 ['api_key_id'], ['id'], ondelete='SET NULL')

    for name in UPDATED:
        with op.batch_alter_table(name) as batch:
            batch.add_column(sa.Column('updated_at', UTCDateTime(), nullable=True))
        table = sa.table(name, sa.column('updated_at'), sa.column('created_at'))
        op.execute(table.update().values(updated_at=table.c.created_at))
        with op.batch_alter_table(name) as batch:
            batch.alter_column('updated_at', existing_type=UTCDateTime(), nullable=False)
            batch.create_index(f'ix_{name}_updated_at', ['updated_at'])


def downgrade():
    for name in reversed(UPDATED):
        with op.batch_alter_table(name) as batch:
            batch.drop_index(f'ix_{name}_updated_at')
            batch.drop_column('updated_at')
    with op.batch_alter_table('auditevent') as batch:
        batch.drop_constraint('fk_auditevent_api_key_id_apikey', type_='foreignkey')
        batch.drop_index(batch.f('ix_auditevent_api_key_id'))
        batch.drop_column('api_key_id')
    op.drop_table('webhookdelivery')
    op.drop_table('webhookendpoint')
    op.drop_table('idempotencykey')
    op.drop_table('apikey')
