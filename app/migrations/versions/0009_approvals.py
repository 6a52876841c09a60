"""0009, after 0008 (2026-12-07): Ter goedkeuring: documents published for the client's
approval, their versions, the evidence of each decision (with its sealed receipt), and the
firm's choice to seal the approved PDF too."""
import sqlalchemy as sa
from alembic import op

from app.models import UTCDateTime

revision = "0009"
down_revision = "0008"


def upgrade():
    op.create_table(
        'approval',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dossier_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('title', sa.String(length=255), nullable=False),
        sa.Column('note', sa.String(length=4000), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('approval') as batch:
        batch.create_index(batch.f('ix_approval_client_id'), ['client_id'])
        batch.create_index(batch.f('ix_approval_dossier_id'), ['dossier_id'])
        batch.create_index(batch.f('ix_approval_state'), ['state'])
    op.create_table(
        'approvalversion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('approval_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('published_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('decided_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['approval_id'], ['approval.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('approval_id', 'number'))
    with op.batch_alter_table('approvalversion') as batch:
        batch.create_index(batch.f('ix_approvalversion_approval_id'), ['approval_id'])
        batch.create_index(batch.f('ix_approvalversion_document_id'), ['document_id'])
    op.create_table(
        'approvaldecision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('approval_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=True),
        sa.Column('client_name', sa.String(length=200), nullable=False),
        sa.Column('client_email', sa.String(length=254), nullable=False),
        sa.Column('approved', sa.Boolean(), nullable=False),
        sa.Column('decided_at', UTCDateTime(), nullable=False),
        sa.Column('ip', sa.String(length=45), nullable=False),
        sa.Column('user_agent', sa.String(length=255), nullable=False),
        sa.Column('confirmed_with', sa.String(length=12), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('receipt_key', sa.String(length=64), nullable=True),
        sa.Column('receipt_sha256', sa.String(length=64), nullable=True),
        sa.Column('sealed_key', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['approval_id'], ['approval.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['client_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['version_id'], ['approvalversion.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('receipt_key'),
        sa.UniqueConstraint('sealed_key'),
        sa.UniqueConstraint('version_id'))
    with op.batch_alter_table('approvaldecision') as batch:
        batch.create_index(batch.f('ix_approvaldecision_approval_id'), ['approval_id'])

    with op.batch_alter_table('firmsettings') as batch:
        batch.add_column(sa.Column('seal_approved_documents', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('firmsettings') as batch:
        batch.alter_column('seal_approved_documents', server_default=None)


def downgrade():
    with op.batch_alter_table('firmsettings') as batch:
        batch.drop_column('seal_approved_documents')
    op.drop_table('approvaldecision')
    op.drop_table('approvalversion')
    op.drop_table('approval')
