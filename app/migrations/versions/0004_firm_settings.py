"""0004, after 0003 (2026-11-25): Firm settings: name, logo, colour, mail sender
and upload limits made by an admin."""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import app.models

revision = "0004"
down_revision = "0003"


def upgrade():
    op.create_table('firmsettings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('colour', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
    sa.Column('logo_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('logo_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('mail_sender', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True),
    sa.Column('max_file_mb', sa.Integer(), nullable=True),
    sa.Column('max_message_mb', sa.Integer(), nullable=True),
    sa.Column('updated_at', app.models.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade():
    op.drop_table('firmsettings')
