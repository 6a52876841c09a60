"""0007, after 0006 (2026-12-07): The firm's contact details and welcome text; what a
notification is about, so one already seen is left out of its mail."""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"


def upgrade():
    with op.batch_alter_table('firmsettings') as batch:
        batch.add_column(sa.Column('contact_phone', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('contact_email', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('contact_website', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('contact_address', sa.String(length=300), nullable=True))
        batch.add_column(sa.Column('welcome_text', sa.String(length=1000), nullable=True))

    with op.batch_alter_table('notificationitem') as batch:
        batch.add_column(sa.Column('target_type', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('target_id', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('notificationitem') as batch:
        batch.drop_column('target_id')
        batch.drop_column('target_type')

    with op.batch_alter_table('firmsettings') as batch:
        batch.drop_column('welcome_text')
        batch.drop_column('contact_address')
        batch.drop_column('contact_website')
        batch.drop_column('contact_email')
        batch.drop_column('contact_phone')
