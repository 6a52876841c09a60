"""0005, after 0004 (2026-11-25): Operations: mails given up on, when a dossier
got its status, retention per status."""
from alembic import op
import sqlalchemy as sa
import app.models

revision = "0005"
down_revision = "0004"


def upgrade():
    with op.batch_alter_table('outgoingmail') as batch:
        batch.add_column(sa.Column('failed_at', app.models.UTCDateTime(), nullable=True))
        batch.create_index('ix_outgoingmail_failed_at', ['failed_at'], unique=False)
    with op.batch_alter_table('dossier') as batch:
        batch.add_column(sa.Column('status_changed_at', app.models.UTCDateTime(), nullable=True))
    # Existing dossiers: their last change is the best guess of when the status was set.
    op.execute("UPDATE dossier SET status_changed_at = updated_at")
    with op.batch_alter_table('dossier') as batch:
        batch.alter_column('status_changed_at', existing_type=app.models.UTCDateTime(),
                           nullable=False)
    with op.batch_alter_table('dossierstatus') as batch:
        batch.add_column(sa.Column('retention_days', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('dossierstatus') as batch:
        batch.drop_column('retention_days')
    with op.batch_alter_table('dossier') as batch:
        batch.drop_column('status_changed_at')
    with op.batch_alter_table('outgoingmail') as batch:
        batch.drop_index('ix_outgoingmail_failed_at')
        batch.drop_column('failed_at')
