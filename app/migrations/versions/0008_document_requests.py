"""0008, after 0007 (2026-12-07): Requests for documents (Aan te leveren stukken): the firm's
reusable list, requests and their items, files handed in for an item, identity documents,
reminder and retention settings, and which dossier statuses close a dossier."""
import sqlalchemy as sa
from alembic import op

from app.models import UTCDateTime

revision = "0008"
down_revision = "0007"


def upgrade():
    op.create_table(
        'standarditem',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('explanation', sa.String(length=1000), nullable=False),
        sa.Column('is_identity', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'documentrequest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('assignment_id', sa.Integer(), nullable=True),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('completed_at', UTCDateTime(), nullable=True),
        sa.Column('reminded_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['client_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('documentrequest') as batch:
        batch.create_index(batch.f('ix_documentrequest_client_id'), ['client_id'])
        batch.create_index(batch.f('ix_documentrequest_completed_at'), ['completed_at'])
        batch.create_index(batch.f('ix_documentrequest_dossier_id'), ['dossier_id'])
    op.create_table(
        'requestitem',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('explanation', sa.String(length=1000), nullable=False),
        sa.Column('is_identity', sa.Boolean(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('submitted_at', UTCDateTime(), nullable=True),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawn_at', UTCDateTime(), nullable=True),
        sa.Column('erased_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['request_id'], ['documentrequest.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('requestitem') as batch:
        batch.create_index(batch.f('ix_requestitem_request_id'), ['request_id'])

    with op.batch_alter_table('document') as batch:
        batch.add_column(sa.Column('request_item_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('identity', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.create_index(batch.f('ix_document_request_item_id'), ['request_item_id'])
        batch.create_foreign_key('fk_document_request_item_id_requestitem', 'requestitem',
                                 ['request_item_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('document') as batch:
        batch.alter_column('identity', server_default=None)

    with op.batch_alter_table('dossierstatus') as batch:
        batch.add_column(sa.Column('closed', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('dossierstatus') as batch:
        batch.alter_column('closed', server_default=None)
    # The statuses an admin already gave a retention period end a dossier: they close it.
    status = sa.table('dossierstatus', sa.column('closed', sa.Boolean()),
                      sa.column('in_progress', sa.Boolean()),
                      sa.column('retention_days', sa.Integer()))
    op.execute(status.update().where(status.c.in_progress.is_(sa.false()),
                                     status.c.retention_days.is_not(None))
               .values(closed=True))

    with op.batch_alter_table('firmsettings') as batch:
        batch.add_column(sa.Column('remind_days_before', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('remind_every_days', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('identity_retention_years', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('firmsettings') as batch:
        batch.drop_column('identity_retention_years')
        batch.drop_column('remind_every_days')
        batch.drop_column('remind_days_before')
    with op.batch_alter_table('dossierstatus') as batch:
        batch.drop_column('closed')
    with op.batch_alter_table('document') as batch:
        batch.drop_constraint('fk_document_request_item_id_requestitem', type_='foreignkey')
        batch.drop_index(batch.f('ix_document_request_item_id'))
        batch.drop_column('identity')
        batch.drop_column('request_item_id')
    op.drop_table('requestitem')
    op.drop_table('documentrequest')
    op.drop_table('standarditem')
