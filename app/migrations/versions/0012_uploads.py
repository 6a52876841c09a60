"""0012, after 0011 (2026-12-07): resumable uploads (tus) under way, or finished and not yet
filed."""
import sqlalchemy as sa
from alembic import op

from app.models import UTCDateTime

revision = "0012"
down_revision = "0011"


def upgrade():
    op.create_table(
        'upload',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('target', sa.String(length=40), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('length', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('expires_at', UTCDateTime(), nullable=False),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'))
    with op.batch_alter_table('upload') as batch:
        batch.create_index(batch.f('ix_upload_user_id'), ['user_id'])
        batch.create_index(batch.f('ix_upload_expires_at'), ['expires_at'])


def downgrade():
    op.drop_table('upload')
